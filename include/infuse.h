/*
 * infuse.h - infusion-protocol doses and pump programs.
 *
 * The one public header of libinfuse. Consumers write `#include <infuse.h>`
 * and link `infuse` (pkg-config `infuse`, CMake `infuse::infuse`).
 *
 * Guarantees (see README.md):
 *  - C11; this header includes only <stddef.h>, <stdint.h> and <stdbool.h>.
 *  - No allocation, no I/O, no global or static mutable state, no locale
 *    dependence: every function is reentrant and thread-safe as long as two
 *    threads do not write the same object. There is no init call.
 *  - Exact integer arithmetic: every quantity is an integer count of a fixed
 *    small unit (the unit is part of every name: _ug, _ul, _s, _g ...).
 *    Rounding happens only at named points, each recorded in the trail.
 *  - A function that fails with an error status (< 0) writes nothing to its
 *    outputs except the optional diagnostic. The two limit stops (> 0) are
 *    not errors: the result is fully written so it can be shown and logged.
 *
 * This software supports, and never replaces, clinical judgement.
 */
#ifndef INFUSE_H
#define INFUSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "infuse_version.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------------
 * Export and attribute macros
 * ------------------------------------------------------------------------- */
#if defined(INFUSE_STATIC)
#  define INFUSE_API
#elif defined(_WIN32)
#  if defined(INFUSE_BUILDING)
#    define INFUSE_API __declspec(dllexport)
#  else
#    define INFUSE_API __declspec(dllimport)
#  endif
#elif defined(__GNUC__) && __GNUC__ >= 4
#  define INFUSE_API __attribute__((visibility("default")))
#else
#  define INFUSE_API
#endif

#if defined(__GNUC__) && !defined(INFUSE_NO_ATTRIBUTES)
#  define INFUSE_NODISCARD __attribute__((warn_unused_result))
#  define INFUSE_NONNULL(...) __attribute__((nonnull(__VA_ARGS__)))
#else
#  define INFUSE_NODISCARD
#  define INFUSE_NONNULL(...)
#endif

/* ---------------------------------------------------------------------------
 * Status codes
 *
 * Values are pinned: they are never renumbered or reused. Zero is success,
 * negative values are errors (nothing but the diagnostic is written),
 * positive values are limit stops (the result is written in full).
 * ------------------------------------------------------------------------- */
#define INFUSE_STATUS_MAP(X)                                                   \
  X(OK, 0, "success")                                                          \
  X(STOP_SOFT_LIMIT, 1,                                                        \
    "a soft limit was exceeded and not acknowledged; the result is shown "    \
    "but must not be used without acknowledgement")                            \
  X(STOP_HARD_LIMIT, 2,                                                        \
    "a hard limit was exceeded; the result is shown but must not be used")    \
  X(E_NULL, -1, "a required pointer argument is NULL")                         \
  X(E_STRUCT_SIZE, -2, "the struct_size field is not one this library knows")  \
  X(E_SYNTAX, -3, "the text is not a number followed by a unit")               \
  X(E_NO_UNIT, -4, "a number without a unit; every quantity needs its unit")   \
  X(E_UNKNOWN_UNIT, -5, "the unit is not one this library knows")              \
  X(E_WRONG_DIMENSION, -6, "the unit measures a different kind of quantity")   \
  X(E_NEGATIVE, -7, "a negative value where a positive one is needed")        \
  X(E_ZERO, -8, "zero where a positive value is needed")                       \
  X(E_PRECISION, -9,                                                           \
    "the value is finer than the unit the library counts in")                 \
  X(E_RANGE, -10, "the value is outside the range the library accepts")        \
  X(E_INVALID, -11, "an argument has a value that is not allowed")             \
  X(E_CONFLICT, -12, "two arguments contradict each other")                    \
  X(E_MISSING, -13, "a required value is missing")                             \
  X(E_UNKNOWN_PROTOCOL, -14, "no protocol has that id")                        \
  X(E_NOT_INFUSION, -15, "the protocol is not an infusion; it has no pump program") \
  X(E_BUFFER_TOO_SMALL, -16, "the output buffer is too small")                 \
  X(E_INDEX, -17, "the index is out of range")

typedef enum infuse_status {
/* `value` is an integer literal from the X-macro table above, used whole
 * as an enumerator initializer: parentheses would add nothing.
 * NOLINTNEXTLINE(bugprone-macro-parentheses) */
#define INFUSE__STATUS_ENUM(name, value, text) INFUSE_##name = value,
  INFUSE_STATUS_MAP(INFUSE__STATUS_ENUM)
#undef INFUSE__STATUS_ENUM
  INFUSE__STATUS_FORCE_INT = 0x7fffffff
} infuse_status_t;

/* A sentence describing `status`; never NULL (unknown values give a fixed
 * "unknown status" text). */
INFUSE_API const char *infuse_strerror(int status);
/* The enumerator name without prefix, e.g. "E_NO_UNIT"; never NULL. */
INFUSE_API const char *infuse_status_name(int status);

/* ---------------------------------------------------------------------------
 * Diagnostics: optional, caller-supplied, never global.
 * Every function that takes `infuse_diag_t *diag` accepts NULL. On an error
 * status, a non-NULL diag is filled; on success it is left untouched.
 * ------------------------------------------------------------------------- */
#define INFUSE_DIAG_FIELD_MAX 48
#define INFUSE_DIAG_VALUE_MAX 64
#define INFUSE_DIAG_MESSAGE_MAX 320

typedef struct infuse_diag {
  int status;                             /* the status returned */
  char field[INFUSE_DIAG_FIELD_MAX];      /* which input, e.g. "weight" */
  char value[INFUSE_DIAG_VALUE_MAX];      /* the offending value as text */
  char message[INFUSE_DIAG_MESSAGE_MAX];  /* one sentence: field, value and
                                             what is accepted */
} infuse_diag_t;

/* ---------------------------------------------------------------------------
 * Version
 * ------------------------------------------------------------------------- */
/* INFUSE_VERSION_HEX of the library actually linked. */
INFUSE_API uint32_t infuse_version(void);
/* "MAJOR.MINOR.PATCH" of the library actually linked; never NULL. */
INFUSE_API const char *infuse_version_string(void);

/* ---------------------------------------------------------------------------
 * Units and quantities
 *
 * A dimension is a kind of quantity; each has exactly one integer base unit:
 *   BODY_WEIGHT   g        (accepts kg, g, lb, lbs)
 *   MASS          ug       (accepts g, mg, mcg, ug, µg)
 *   VOLUME        uL       (accepts L, mL, ml, uL, µL)
 *   TIME          s        (accepts d, h, hr, min, s)
 *   DOSE_PER_KG   ug/kg    (accepts mg/kg, mcg/kg, ug/kg, µg/kg)
 *   CONCENTRATION ug/mL    (accepts mg/mL, mg/ml, mcg/mL, ug/mL, µg/mL, g/L, mg/L)
 *   RATE          uL/h     (accepts mL/h, mL/hr, ml/h, uL/h)
 *   LENGTH        mm       (accepts m, cm, mm, in)
 * Units are case-sensitive. lb and in convert inexactly (1 lb = 453.59237 g,
 * 1 in = 25.4 mm): they are rounded to the nearest base unit, ties away from
 * zero, and the quantity records that it was rounded. Every other unit must
 * convert exactly; text finer than the base unit is refused (E_PRECISION).
 * ------------------------------------------------------------------------- */
typedef enum infuse_dim {
  INFUSE_DIM_NONE = 0,
  INFUSE_DIM_BODY_WEIGHT = 1,
  INFUSE_DIM_MASS = 2,
  INFUSE_DIM_VOLUME = 3,
  INFUSE_DIM_TIME = 4,
  INFUSE_DIM_DOSE_PER_KG = 5,
  INFUSE_DIM_CONCENTRATION = 6,
  INFUSE_DIM_RATE = 7,
  INFUSE_DIM_LENGTH = 8
} infuse_dim_t;

/* Bit masks of dimensions, for parsing text that may be one of several. */
#define INFUSE_DIM_BIT(d) (1u << (unsigned)(d))

/* The integer units values are counted in (results use some finer or
 * derived units than the parser's base units; the unit is always named). */
typedef enum infuse_unit {
  INFUSE_UNIT_NONE = 0,
  INFUSE_UNIT_G = 1,             /* body weight */
  INFUSE_UNIT_UG = 2,            /* drug mass */
  INFUSE_UNIT_NG = 3,            /* drug mass, computed */
  INFUSE_UNIT_UL = 4,            /* volume */
  INFUSE_UNIT_S = 5,             /* time */
  INFUSE_UNIT_MS = 6,            /* time, computed */
  INFUSE_UNIT_UG_PER_KG = 7,     /* dose per body weight */
  INFUSE_UNIT_UG_PER_ML = 8,     /* concentration */
  INFUSE_UNIT_NG_PER_ML = 9,     /* concentration, computed */
  INFUSE_UNIT_UL_PER_H = 10,     /* pump rate */
  INFUSE_UNIT_MM = 11,           /* length (height) */
  INFUSE_UNIT_PPM = 12,          /* parts per million (deviation) */
  INFUSE_UNIT_NG_PER_KG_PER_H = 13, /* dose rate */
  INFUSE_UNIT_CENTI_KG_PER_M2 = 14, /* BMI x 100 */
  INFUSE_UNIT_COUNT = 15,        /* a plain count (vials) */
  INFUSE_UNIT_NG_PER_KG = 16,    /* dose per body weight, computed */
  INFUSE_UNIT_MICRO_LB = 17,     /* pounds x 1e6, as entered */
  INFUSE_UNIT_MICRO_IN = 18      /* inches x 1e6, as entered */
} infuse_unit_t;

/* The base unit of a dimension (INFUSE_UNIT_NONE for an unknown one). */
INFUSE_API infuse_unit_t infuse_dim_unit(infuse_dim_t dim);
/* A short name of a dimension, e.g. "body weight"; never NULL. */
INFUSE_API const char *infuse_dim_name(infuse_dim_t dim);
/* The symbol of a unit, e.g. "uL/h"; never NULL. */
INFUSE_API const char *infuse_unit_symbol(infuse_unit_t unit);

/* Most significant digits the parser accepts in one number. */
#define INFUSE_PARSE_MAX_DIGITS 15

typedef struct infuse_quantity {
  infuse_dim_t dim;       /* which dimension the text turned out to be */
  infuse_unit_t unit;     /* its base unit, infuse_dim_unit(dim) */
  int64_t value;          /* in `unit`, always > 0 */
  bool rounded;           /* true when lb or in were rounded to g or mm */
  int64_t source_mantissa;/* the digits as written, without the point */
  int32_t source_scale;   /* digits after the decimal point */
  char source_unit[12];   /* the unit as written (UTF-8, NUL-terminated) */
} infuse_quantity_t;

/*
 * Parse `text` (NUL-terminated, UTF-8) as a positive quantity whose dimension
 * is one of `dims` (a mask of INFUSE_DIM_BIT values).
 *
 * Grammar: DIGITS [ "." DIGITS ] [ " "... ] UNIT, nothing before or after.
 * A leading zero is required before a decimal point ("0.5", not ".5"),
 * and a point must be followed by a digit ("5.0", not "5.").
 * Refused: no unit (E_NO_UNIT), unknown unit (E_UNKNOWN_UNIT), a unit of
 * another dimension (E_WRONG_DIMENSION), signs (E_NEGATIVE for "-"; "+" is
 * E_SYNTAX), zero (E_ZERO), NaN/inf/hex/exponents/comma decimals/junk
 * (E_SYNTAX), more than INFUSE_PARSE_MAX_DIGITS digits or a value beyond
 * INT64 after conversion (E_RANGE), finer than the base unit (E_PRECISION).
 *
 * `field` names the input in diagnostics (may be NULL: "value").
 * On success writes *out and returns INFUSE_OK; on failure writes only diag.
 */
INFUSE_API INFUSE_NODISCARD int infuse_quantity_parse(const char *text,
                                                      uint32_t dims,
                                                      const char *field,
                                                      infuse_quantity_t *out,
                                                      infuse_diag_t *diag);

/*
 * Format `value` counted in `unit` as decimal text in a display unit chosen
 * for people: number, one space, symbol ("72.5 kg"), except percent ("0.5%")
 * and counts (just the number). Display units:
 *   G -> kg; UG, NG -> mg; UL -> mL; UL_PER_H -> mL/h; S, MS -> min;
 *   UG_PER_ML, NG_PER_ML -> mg/mL; UG_PER_KG, NG_PER_KG -> mg/kg;
 *   NG_PER_KG_PER_H -> mg/kg/h; MM -> cm; PPM -> %; CENTI_KG_PER_M2 -> kg/m2;
 *   MICRO_LB -> lb; MICRO_IN -> in.
 * Digits are exact with no trailing zeros and no floating point, except:
 * S, MS and PPM show at most 2 decimals, NG_PER_ML and NG_PER_KG_PER_H at
 * most 4 (nearest, ties away from zero). A negative value gets "-".
 * Returns the length it needs (without the NUL). Writes at most `cap` bytes
 * including the NUL; writes nothing when `buf` is NULL or `cap` is 0.
 */
INFUSE_API size_t infuse_format(int64_t value, infuse_unit_t unit, char *buf,
                                size_t cap);

/* ---------------------------------------------------------------------------
 * Rounding
 * ------------------------------------------------------------------------- */
typedef enum infuse_rounding {
  INFUSE_ROUND_NEAREST = 0, /* to the nearest step, ties away from zero */
  INFUSE_ROUND_DOWN = 1,    /* toward zero */
  INFUSE_ROUND_UP = 2       /* away from zero */
} infuse_rounding_t;

/* Round num/den to a multiple of `step` with `mode`: writes the multiple to
 * *out. num >= 0, den > 0, step > 0; else E_INVALID. E_RANGE if the result
 * does not fit in int64. Exact: no intermediate overflow. */
INFUSE_API INFUSE_NODISCARD int infuse_round_ratio(int64_t num, int64_t den,
                                                   int64_t step,
                                                   infuse_rounding_t mode,
                                                   int64_t *out);

/* ---------------------------------------------------------------------------
 * Limits, protocols
 * ------------------------------------------------------------------------- */

/* Four bounds on one quantity, in that quantity's unit. 0 means "no bound".
 * Bounds are inclusive: a value equal to a bound is within it. When set,
 * hard_low <= soft_low <= soft_high <= hard_high must hold. */
typedef struct infuse_limit {
  int64_t hard_low;
  int64_t soft_low;
  int64_t soft_high;
  int64_t hard_high;
} infuse_limit_t;

typedef enum infuse_route {
  INFUSE_ROUTE_IV_INFUSION = 0,
  INFUSE_ROUTE_ORAL = 1
} infuse_route_t;

/* How the drug is prepared. */
typedef enum infuse_prep {
  INFUSE_PREP_ADD = 0,        /* add the drawn-up drug to the bag */
  INFUSE_PREP_REPLACE = 1,    /* first withdraw the same volume from the bag */
  INFUSE_PREP_FINAL_CONC = 2, /* dilute to a final concentration */
  INFUSE_PREP_SYRINGE = 3     /* undiluted in a syringe, on a syringe pump */
} infuse_prep_t;

typedef enum infuse_weight_basis {
  INFUSE_WEIGHT_ACTUAL = 0,
  INFUSE_WEIGHT_IDEAL = 1,    /* Devine */
  INFUSE_WEIGHT_ADJUSTED = 2  /* IBW + 0.4 x (actual - IBW) */
} infuse_weight_basis_t;

typedef enum infuse_sex {
  INFUSE_SEX_UNSPECIFIED = 0,
  INFUSE_SEX_MALE = 1,
  INFUSE_SEX_FEMALE = 2
} infuse_sex_t;

#define INFUSE_PROTOCOL_ID_MAX 32
#define INFUSE_PROTOCOL_VERSION_MAX 16
#define INFUSE_PROTOCOL_TITLE_MAX 96
#define INFUSE_PROTOCOL_DRUG_MAX 32

/* A drug-library entry. Fill it with infuse_protocol_get() (a copy of a
 * built-in) and change what the site needs, then infuse_protocol_validate().
 * Text fields are NUL-terminated; id is [a-z0-9._-]+, the others printable
 * UTF-8 without control characters. */
typedef struct infuse_protocol {
  uint32_t struct_size; /* sizeof(infuse_protocol_t) */
  char id[INFUSE_PROTOCOL_ID_MAX];
  char version[INFUSE_PROTOCOL_VERSION_MAX];
  char title[INFUSE_PROTOCOL_TITLE_MAX];
  char drug[INFUSE_PROTOCOL_DRUG_MAX];
  infuse_route_t route;

  /* Defaults a request starts from (infuse_request_init). */
  int64_t dose_ug_per_kg;          /* > 0 */
  int64_t duration_s;              /* > 0 for infusions, 0 for oral */
  int64_t vial_ug_per_ml;          /* strength of the vial (or oral solution) */
  int64_t vial_volume_ul;          /* fill of one vial; 0 = not tracked */
  infuse_prep_t prep;
  int64_t bag_ul;                  /* diluent bag, for ADD and REPLACE */
  int64_t final_conc_ug_per_ml;    /* for FINAL_CONC */
  int64_t volume_step_ul;          /* draw-up volume resolution */
  int64_t rate_step_ul_per_h;      /* pump rate resolution */
  infuse_rounding_t volume_rounding;
  infuse_rounding_t rate_rounding;

  /* Pharmacist checks. 0 disables each. */
  int64_t max_deviation_ppm;       /* |delivered - prescribed| / prescribed */
  int64_t must_dilute_ug_per_ml;   /* a vial this strong or stronger must
                                      not be given undiluted */
  int64_t volumetric_min_ul_per_h; /* below: volumetric pumps are inaccurate */
  int64_t pump_max_ul_per_h;       /* the pump cannot go faster */

  /* Limits. */
  infuse_limit_t dose_per_kg;      /* ug/kg */
  infuse_limit_t dose;             /* ug */
  infuse_limit_t weight;           /* g, actual body weight */
  infuse_limit_t duration;         /* s */
  infuse_limit_t rate;             /* uL/h */
  infuse_limit_t concentration;    /* ug/mL, final concentration infused */
} infuse_protocol_t;

/* Number of built-in protocols. */
INFUSE_API size_t infuse_protocol_count(void);
/* Copy built-in protocol `index` (0 .. count-1) to *out.
 * INFUSE_E_NULL, INFUSE_E_INDEX; nothing written on failure. */
INFUSE_API INFUSE_NODISCARD int infuse_protocol_at(size_t index,
                                                   infuse_protocol_t *out);
/* Copy the built-in protocol with this id to *out.
 * INFUSE_E_NULL, INFUSE_E_UNKNOWN_PROTOCOL; nothing written on failure. */
INFUSE_API INFUSE_NODISCARD int infuse_protocol_get(const char *id,
                                                    infuse_protocol_t *out,
                                                    infuse_diag_t *diag);
/* Check every field of a caller-filled protocol: sizes, text, defaults > 0
 * and within the library's ranges, limits ordered, defaults inside the hard
 * limits. INFUSE_OK or the first problem found (E_NULL, E_STRUCT_SIZE,
 * E_INVALID, E_ZERO, E_NEGATIVE, E_RANGE, E_CONFLICT) with the field named
 * in diag. */
INFUSE_API INFUSE_NODISCARD int infuse_protocol_validate(
    const infuse_protocol_t *protocol, infuse_diag_t *diag);

/* ---------------------------------------------------------------------------
 * Requests
 * ------------------------------------------------------------------------- */

/* Which soft-limit findings the person ordering has acknowledged. */
#define INFUSE_ACK_NONE 0u
#define INFUSE_ACK_DOSE_PER_KG (1u << 0)
#define INFUSE_ACK_DOSE (1u << 1)
#define INFUSE_ACK_WEIGHT (1u << 2)
#define INFUSE_ACK_DURATION (1u << 3)
#define INFUSE_ACK_RATE (1u << 4)
#define INFUSE_ACK_CONCENTRATION (1u << 5)
#define INFUSE_ACK_DEVIATION (1u << 6)
#define INFUSE_ACK_ALL 0x7fu

typedef enum infuse_dose_mode {
  INFUSE_DOSE_PER_KG = 0, /* dose_ug_per_kg x dosing weight */
  INFUSE_DOSE_FIXED = 1   /* dose_ug as given */
} infuse_dose_mode_t;

/* Every field is explicit: infuse_request_init() copies the protocol's
 * defaults; the caller then sets the patient and any overrides. No field
 * means "use the default" by being zero. */
typedef struct infuse_request {
  uint32_t struct_size;                /* sizeof(infuse_request_t) */
  const infuse_protocol_t *protocol;   /* required; validated on use */

  int64_t weight_g;                    /* actual body weight; required */
  infuse_weight_basis_t weight_basis;
  int64_t height_mm;                   /* 0 = not given; needed for
                                          IDEAL/ADJUSTED */
  infuse_sex_t sex;                    /* needed for IDEAL/ADJUSTED */

  infuse_dose_mode_t dose_mode;
  int64_t dose_ug_per_kg;              /* for INFUSE_DOSE_PER_KG */
  int64_t dose_ug;                     /* for INFUSE_DOSE_FIXED */

  int64_t duration_s;
  int64_t vial_ug_per_ml;
  infuse_prep_t prep;
  int64_t bag_ul;                      /* for ADD and REPLACE */
  int64_t final_conc_ug_per_ml;        /* for FINAL_CONC */
  int64_t volume_step_ul;
  int64_t rate_step_ul_per_h;

  uint32_t acknowledge;                /* INFUSE_ACK_* bits */

  /* Optional: the weight and height as the person entered them (from
   * infuse_quantity_parse; dim INFUSE_DIM_NONE when not given). When they
   * were entered in lb or in, the conversion and its rounding become the
   * first steps of the trail. Their value must equal weight_g / height_mm
   * and follow from their digits (E_CONFLICT otherwise), the dimension must
   * be BODY_WEIGHT / LENGTH (E_INVALID), and lb or in may carry at most 6
   * decimals (E_PRECISION). */
  infuse_quantity_t weight_entered;
  infuse_quantity_t height_entered;
} infuse_request_t;

/* Fill *req with the protocol's defaults and a zero weight (which must be
 * set before computing). INFUSE_E_NULL, or E_STRUCT_SIZE if the protocol's
 * struct_size is unknown; nothing written on failure. The request keeps the
 * pointer: the protocol must outlive it. */
INFUSE_API INFUSE_NODISCARD int infuse_request_init(
    infuse_request_t *req, const infuse_protocol_t *protocol);

/* Ranges the library accepts at all (E_RANGE outside). Protocol limits are
 * much narrower; these only keep every product exact in 64 bits. */
#define INFUSE_MAX_WEIGHT_G 1000000             /* 1000 kg */
#define INFUSE_MIN_HEIGHT_MM 300
#define INFUSE_MAX_HEIGHT_MM 3000
#define INFUSE_MAX_DOSE_UG_PER_KG 1000000       /* 1 g/kg */
#define INFUSE_MAX_DOSE_UG 1000000000           /* 1 kg */
#define INFUSE_MAX_CONC_UG_PER_ML 10000000      /* 10 g/mL */
#define INFUSE_MAX_VOLUME_UL 100000000          /* 100 L */
#define INFUSE_MAX_DURATION_S 10000000          /* about 115 days */
#define INFUSE_MAX_VOLUME_STEP_UL 100000        /* 100 mL */
#define INFUSE_MAX_RATE_UL_PER_H 100000000      /* 100 L/h */
#define INFUSE_MAX_RATE_STEP_UL_PER_H 1000000   /* 1 L/h */
#define INFUSE_MAX_DEVIATION_PPM 1000000        /* 100 % */

/* ---------------------------------------------------------------------------
 * Findings: limit breaches and a careful pharmacist's remarks.
 * Codes are pinned, like status codes.
 * ------------------------------------------------------------------------- */
typedef enum infuse_severity {
  INFUSE_SEVERITY_ADVISORY = 0, /* shown; needs nothing */
  INFUSE_SEVERITY_SOFT = 1,     /* needs acknowledgement */
  INFUSE_SEVERITY_HARD = 2      /* rejects */
} infuse_severity_t;

#define INFUSE_FINDING_MAP(X)                                                  \
  X(DOSE_PER_KG_HARD_LOW, 1, "dose_per_kg_hard_low")                           \
  X(DOSE_PER_KG_SOFT_LOW, 2, "dose_per_kg_soft_low")                           \
  X(DOSE_PER_KG_SOFT_HIGH, 3, "dose_per_kg_soft_high")                         \
  X(DOSE_PER_KG_HARD_HIGH, 4, "dose_per_kg_hard_high")                         \
  X(DOSE_HARD_LOW, 5, "dose_hard_low")                                         \
  X(DOSE_SOFT_LOW, 6, "dose_soft_low")                                         \
  X(DOSE_SOFT_HIGH, 7, "dose_soft_high")                                       \
  X(DOSE_HARD_HIGH, 8, "dose_hard_high")                                       \
  X(WEIGHT_HARD_LOW, 9, "weight_hard_low")                                     \
  X(WEIGHT_SOFT_LOW, 10, "weight_soft_low")                                    \
  X(WEIGHT_SOFT_HIGH, 11, "weight_soft_high")                                  \
  X(WEIGHT_HARD_HIGH, 12, "weight_hard_high")                                  \
  X(DURATION_HARD_LOW, 13, "duration_hard_low")                                \
  X(DURATION_SOFT_LOW, 14, "duration_soft_low")                                \
  X(DURATION_SOFT_HIGH, 15, "duration_soft_high")                              \
  X(DURATION_HARD_HIGH, 16, "duration_hard_high")                              \
  X(RATE_HARD_LOW, 17, "rate_hard_low")                                        \
  X(RATE_SOFT_LOW, 18, "rate_soft_low")                                        \
  X(RATE_SOFT_HIGH, 19, "rate_soft_high")                                      \
  X(RATE_HARD_HIGH, 20, "rate_hard_high")                                      \
  X(CONCENTRATION_HARD_LOW, 21, "concentration_hard_low")                      \
  X(CONCENTRATION_SOFT_LOW, 22, "concentration_soft_low")                      \
  X(CONCENTRATION_SOFT_HIGH, 23, "concentration_soft_high")                    \
  X(CONCENTRATION_HARD_HIGH, 24, "concentration_hard_high")                    \
  X(DOSE_DEVIATION, 25, "dose_deviation")                                      \
  X(UNDILUTED_STRENGTH, 26, "undiluted_strength")                              \
  X(LOW_RATE_VOLUMETRIC, 27, "low_rate_volumetric")                            \
  X(RATE_ABOVE_PUMP_MAX, 28, "rate_above_pump_max")                            \
  X(DRAW_VOLUME_ZERO, 29, "draw_volume_zero")                                  \
  X(RATE_ZERO, 30, "rate_zero")                                                \
  X(DRAW_EXCEEDS_BAG, 31, "draw_exceeds_bag")                                  \
  X(FINAL_CONC_ABOVE_VIAL, 32, "final_conc_above_vial")                        \
  X(MULTIPLE_VIALS, 33, "multiple_vials")                                      \
  X(IBW_SHORT_STATURE, 34, "ibw_short_stature")                                \
  X(DOSING_WEIGHT_ABOVE_ACTUAL, 35, "dosing_weight_above_actual")

typedef enum infuse_finding_code {
  INFUSE_FINDING_NONE = 0,
/* `value` is an integer literal from the X-macro table above, used whole
 * as an enumerator initializer: parentheses would add nothing.
 * NOLINTNEXTLINE(bugprone-macro-parentheses) */
#define INFUSE__FINDING_ENUM(name, value, text) INFUSE_FINDING_##name = value,
  INFUSE_FINDING_MAP(INFUSE__FINDING_ENUM)
#undef INFUSE__FINDING_ENUM
  INFUSE__FINDING_FORCE_INT = 0x7fffffff
} infuse_finding_code_t;

/* The finding's code as text, e.g. "dose_per_kg_soft_high"; "unknown" for
 * values not in the table; never NULL. */
INFUSE_API const char *infuse_finding_name(int code);
/* "advisory", "soft" or "hard"; "unknown" otherwise; never NULL. */
INFUSE_API const char *infuse_severity_name(int severity);

typedef struct infuse_finding {
  infuse_finding_code_t code;
  infuse_severity_t severity;
  bool acknowledged;      /* a soft finding the request acknowledged */
  infuse_unit_t unit;     /* unit of value and limit */
  int64_t value;          /* the value checked */
  int64_t limit;          /* the bound it crossed (0 for remarks without) */
  char protocol_id[INFUSE_PROTOCOL_ID_MAX];
  char protocol_version[INFUSE_PROTOCOL_VERSION_MAX];
} infuse_finding_t;

/* Render one finding as one English sentence into buf (like infuse_format:
 * returns the length needed, writes at most cap bytes with the NUL). */
INFUSE_API size_t infuse_finding_message(const infuse_finding_t *finding,
                                         char *buf, size_t cap);

/* ---------------------------------------------------------------------------
 * Trail: the ordered steps of a calculation.
 * ------------------------------------------------------------------------- */
#define INFUSE_STEP_MAP(X)                                                     \
  X(ACTUAL_WEIGHT, 1, "actual_weight", "actual body weight as entered")        \
  X(IDEAL_WEIGHT, 2, "ideal_weight",                                           \
    "IBW (Devine) = base (male 50 kg, female 45.5 kg) + 2.3 kg x (height in " \
    "inches - 60)")                                                            \
  X(ADJUSTED_WEIGHT, 3, "adjusted_weight",                                     \
    "AdjBW = IBW + 0.4 x (actual - IBW)")                                      \
  X(BMI, 4, "bmi", "BMI = weight / height^2")                                  \
  X(DOSING_WEIGHT, 5, "dosing_weight", "dosing weight = the chosen basis")     \
  X(DOSE, 6, "dose", "dose = dose per kg x dosing weight")                     \
  X(DOSE_PER_KG, 7, "dose_per_kg", "dose per kg = dose / dosing weight")       \
  X(DRAW_VOLUME, 8, "draw_volume", "draw-up volume = dose / vial strength")    \
  X(DELIVERED_DOSE, 9, "delivered_dose",                                       \
    "delivered dose = draw-up volume x vial strength")                         \
  X(DEVIATION, 10, "dose_deviation",                                           \
    "deviation = (delivered - prescribed) / prescribed")                       \
  X(VIALS, 11, "vials", "vials = draw-up volume / vial fill, rounded up")       \
  X(DILUENT, 12, "diluent", "diluent volume")                                  \
  X(TOTAL_VOLUME, 13, "total_volume", "total volume = draw-up volume + diluent") \
  X(FINAL_CONC, 14, "final_concentration",                                     \
    "final concentration = delivered dose / total volume")                     \
  X(RATE, 15, "rate", "rate = total volume / duration")                        \
  X(ACTUAL_DURATION, 16, "actual_duration",                                    \
    "actual duration = VTBI / rounded rate")                                   \
  X(DOSE_RATE, 17, "dose_rate",                                                \
    "dose rate = delivered dose / dosing weight / actual duration")            \
  X(WEIGHT_CONVERSION, 18, "weight_conversion",                                \
    "weight = pounds x 0.45359237 kg/lb")                                   \
  X(HEIGHT_CONVERSION, 19, "height_conversion",                                \
    "height = inches x 2.54 cm/in")

typedef enum infuse_step_kind {
  INFUSE_STEP_NONE = 0,
/* `value` is an integer literal from the X-macro table above, used whole
 * as an enumerator initializer: parentheses would add nothing.
 * NOLINTNEXTLINE(bugprone-macro-parentheses) */
#define INFUSE__STEP_ENUM(name, value, key, formula) INFUSE_STEP_##name = value,
  INFUSE_STEP_MAP(INFUSE__STEP_ENUM)
#undef INFUSE__STEP_ENUM
  INFUSE__STEP_FORCE_INT = 0x7fffffff
} infuse_step_kind_t;

/* The step's key, e.g. "draw_volume"; "unknown" otherwise; never NULL. */
INFUSE_API const char *infuse_step_name(int kind);
/* The step's formula in words; "" for unknown kinds; never NULL. */
INFUSE_API const char *infuse_step_formula(int kind);
/* "nearest", "down" or "up"; "unknown" otherwise; never NULL. */
INFUSE_API const char *infuse_rounding_name(int mode);

#define INFUSE_STEP_MAX_OPERANDS 4

typedef struct infuse_operand {
  infuse_unit_t unit;
  int64_t value;
} infuse_operand_t;

typedef struct infuse_step {
  infuse_step_kind_t kind;
  int n_operands;                      /* 0 .. INFUSE_STEP_MAX_OPERANDS */
  infuse_operand_t operands[INFUSE_STEP_MAX_OPERANDS]; /* in formula order */
  infuse_unit_t unit;                  /* unit of the result */
  int64_t exact_num;                   /* exact result = exact_num / */
  int64_t exact_den;                   /*   exact_den (den > 0), in unit */
  int64_t value;                       /* the result used from here on */
  bool rounded;                        /* value != exact result */
  bool signed_value;                   /* exact_num may be negative */
  infuse_rounding_t rounding;          /* how, when round_step > 0 */
  int64_t round_step;                  /* 0: no rounding point at this step */
} infuse_step_t;

/* ---------------------------------------------------------------------------
 * Results
 * ------------------------------------------------------------------------- */
#define INFUSE_MAX_FINDINGS 16
#define INFUSE_MAX_STEPS 20 /* at most 19 steps are produced */

typedef enum infuse_verdict {
  INFUSE_VERDICT_OK = 0,         /* no limit stops the calculation */
  INFUSE_VERDICT_SOFT_LIMIT = 1, /* an unacknowledged soft limit */
  INFUSE_VERDICT_HARD_LIMIT = 2  /* a hard limit */
} infuse_verdict_t;

/* "ok", "soft_limit", "hard_limit"; "unknown" otherwise; never NULL. */
INFUSE_API const char *infuse_verdict_name(int verdict);

typedef struct infuse_result {
  uint32_t struct_size;                /* set by the caller:
                                          sizeof(infuse_result_t) */
  bool has_pump;                       /* pump fields below are valid */
  infuse_route_t route;                /* the protocol's route */
  char protocol_id[INFUSE_PROTOCOL_ID_MAX];
  char protocol_version[INFUSE_PROTOCOL_VERSION_MAX];

  /* Patient and dose. */
  int64_t actual_weight_g;
  int64_t height_mm;                   /* 0 when not given */
  int64_t ideal_weight_g;              /* 0 when not computed */
  int64_t adjusted_weight_g;           /* 0 when not computed */
  int64_t bmi_centi;                   /* BMI x 100; 0 without height */
  infuse_weight_basis_t weight_basis;
  int64_t dosing_weight_g;
  infuse_dose_mode_t dose_mode;
  int64_t dose_ug_per_kg;              /* prescribed per kg (for FIXED:
                                          dose / dosing weight, nearest) */
  int64_t dose_ng;                     /* prescribed dose, exact */

  /* Preparation (has_pump). */
  infuse_prep_t prep;
  int64_t vial_ug_per_ml;
  int64_t volume_step_ul;
  int64_t drug_volume_ul;              /* draw-up volume, rounded */
  int64_t vials;                       /* whole vials needed; 0 untracked */
  int64_t delivered_dose_ng;           /* drug_volume x vial strength */
  int64_t dose_deviation_ppm;          /* signed, nearest */
  int64_t diluent_ul;
  int64_t total_volume_ul;             /* = VTBI */
  int64_t final_conc_ng_per_ml;        /* nearest */

  /* Pump program (has_pump). */
  int64_t duration_s;                  /* prescribed */
  int64_t rate_step_ul_per_h;
  int64_t rate_ul_per_h;               /* programmed, rounded */
  int64_t vtbi_ul;
  int64_t actual_duration_ms;          /* VTBI / rate, nearest */
  int64_t dose_rate_ng_per_kg_per_h;   /* nearest */

  /* Verdict and its reasons. */
  infuse_verdict_t verdict;
  int n_findings;
  infuse_finding_t findings[INFUSE_MAX_FINDINGS];

  /* How every number was reached. */
  int n_steps;
  infuse_step_t steps[INFUSE_MAX_STEPS];
} infuse_result_t;

/*
 * How the numbers are computed (every rounding is a trail step):
 *
 *  dosing weight  ACTUAL: the actual weight.
 *                 IDEAL (Devine): IBW_g = nearest((254 x (base_g - 138000)
 *                   + 23000 x height_mm) / 254), base_g 50000 male, 45500
 *                   female; an IBW <= 0 is E_RANGE on the height.
 *                 ADJUSTED: nearest((6 x IBW_g + 4 x actual_g) / 10), from
 *                   the rounded IBW. BMI x 100 = nearest(actual_g x 100000 /
 *                   height_mm^2), whenever a height is given.
 *  dose           PER_KG: dose_ng = dosing_weight_g x dose_ug_per_kg (exact).
 *                 FIXED: dose_ng = 1000 x dose_ug; dose_ug_per_kg in the
 *                 result is nearest(dose_ng / dosing_weight_g).
 *                 dose_mode decides; the other dose field is ignored.
 *  draw-up        drug_volume_ul = dose_ng / vial_ug_per_ml rounded to
 *                 volume_step_ul with the protocol's volume_rounding.
 *  delivered      delivered_dose_ng = drug_volume_ul x vial_ug_per_ml (exact);
 *                 dose_deviation_ppm = nearest(1e6 x (delivered - dose) / dose).
 *  vials          ceil(drug_volume_ul / vial_volume_ul) when the protocol
 *                 tracks the vial fill and the request uses the protocol's
 *                 own vial strength (the fill of another strength is not
 *                 known), else 0.
 *  diluent/total  ADD: diluent = bag, total = bag + drug.
 *                 REPLACE: diluent = bag - drug, total = bag.
 *                 FINAL_CONC: total = delivered / final_conc rounded to the
 *                   volume step (volume_rounding), diluent = total - drug.
 *                 SYRINGE: diluent = 0, total = drug.
 *                 final_conc_ng_per_ml = nearest(1000 x delivered_ng / total).
 *  rate           rate_ul_per_h = 3600 x total / duration_s rounded to
 *                 rate_step_ul_per_h with the protocol's rate_rounding;
 *                 vtbi_ul = total; actual_duration_ms = nearest(3.6e6 x
 *                 total / rate); dose_rate_ng_per_kg_per_h = nearest(1000 x
 *                 delivered_ng x rate / (dosing_weight_g x total)).
 *  nearest: ties away from zero. Bag volumes are nominal (overfill and line
 *  priming are not modelled).
 *
 * Limit checks (bounds inclusive; per quantity and side only the most
 * severe finding is reported; hard findings cannot be acknowledged):
 *  weight         actual body weight (g).
 *  dose_per_kg    dose / dosing weight, compared exactly; reported in ng/kg.
 *                 With a pump program both the prescribed and the delivered
 *                 dose are checked: the larger against high bounds, the
 *                 smaller against low bounds (the reported value is that one).
 *  dose           the same, in ng (limits are in ug).
 *  duration       prescribed duration (pump only).
 *  rate           the programmed (rounded) rate.
 *  concentration  the final concentration, exactly; reported in ng/mL.
 * Pharmacist checks (pump only):
 *  DOSE_DEVIATION       soft: |dose_deviation_ppm| (the reported, rounded
 *                       value) > max_deviation_ppm.
 *  UNDILUTED_STRENGTH   hard: the exact final concentration >=
 *                       must_dilute_ug_per_ml.
 *  LOW_RATE_VOLUMETRIC  advisory: rate < volumetric_min_ul_per_h, when the
 *                       prep is not SYRINGE (a syringe pump is suggested).
 *  RATE_ABOVE_PUMP_MAX  hard: rate > pump_max_ul_per_h.
 *  DRAW_VOLUME_ZERO     hard: the draw-up volume rounds to 0.
 *  DRAW_EXCEEDS_BAG     hard: REPLACE with drug volume > bag.
 *  FINAL_CONC_ABOVE_VIAL hard: FINAL_CONC above the vial strength.
 *  (after one of these three, the later pump fields are left 0; with a zero
 *  draw-up volume the delivered dose is 0, so its deviation of -100% and the
 *  dose limits on it are reported too)
 *  RATE_ZERO            hard: the rate rounds to 0 (actual duration and dose
 *                       rate are left 0; a rate low bound, if set, reports
 *                       too).
 *  MULTIPLE_VIALS       advisory: more than one vial is needed.
 * Dose-weight remarks: IBW_SHORT_STATURE (advisory: height < 60 in = 1524
 * mm with IDEAL/ADJUSTED), DOSING_WEIGHT_ABOVE_ACTUAL (advisory).
 * Verdict: HARD_LIMIT if any hard finding; else SOFT_LIMIT if any soft one
 * is not acknowledged; else OK. The return value says the same.
 *
 * Request errors (nothing written): weight_g 0 is E_MISSING, < 0 E_NEGATIVE,
 * above INFUSE_MAX_WEIGHT_G E_RANGE; IDEAL/ADJUSTED without height or sex
 * E_MISSING; every other numeric field that is used must be > 0 (E_ZERO,
 * E_NEGATIVE) and within the INFUSE_MAX_* ranges (E_RANGE); enums outside
 * their values E_INVALID; acknowledge bits outside INFUSE_ACK_ALL E_INVALID;
 * the protocol must pass infuse_protocol_validate.
 */

/*
 * Dose only: dosing weight and dose, with weight and dose limits checked.
 * Works for every route. `result->struct_size` must be set by the caller.
 *
 * Returns INFUSE_OK, INFUSE_STOP_SOFT_LIMIT or INFUSE_STOP_HARD_LIMIT with
 * *result fully written (has_pump false); or an error (E_NULL,
 * E_STRUCT_SIZE, E_MISSING, E_INVALID, E_ZERO, E_NEGATIVE, E_RANGE,
 * E_CONFLICT, E_PRECISION, or a protocol validation error) with *result untouched and diag filled.
 */
INFUSE_API INFUSE_NODISCARD int infuse_dose_compute(const infuse_request_t *req,
                                                    infuse_result_t *result,
                                                    infuse_diag_t *diag);

/*
 * The whole pump program: dose, preparation, rate, VTBI, actual duration,
 * every limit and pharmacist check. Returns like infuse_dose_compute (with
 * has_pump true), plus E_NOT_INFUSION for an oral protocol.
 */
INFUSE_API INFUSE_NODISCARD int infuse_pump_compute(const infuse_request_t *req,
                                                    infuse_result_t *result,
                                                    infuse_diag_t *diag);

/* ---------------------------------------------------------------------------
 * Writers into caller buffers.
 *
 * Each returns INFUSE_OK and sets *len (without the NUL) when the whole text
 * and its NUL fit in cap bytes; otherwise INFUSE_E_BUFFER_TOO_SMALL with
 * *len set to the length needed (excluding the NUL) and buf untouched.
 * INFUSE_E_NULL for a NULL result or len (buf may be NULL when cap is 0).
 * ------------------------------------------------------------------------- */

/* Readable report: the numbers, the verdict and findings, then every step
 * of the arithmetic. */
INFUSE_API INFUSE_NODISCARD int infuse_write_text(const infuse_result_t *result,
                                                  char *buf, size_t cap,
                                                  size_t *len);
/* One JSON object (the fields of the command-line contract, see
 * docs/json.md), UTF-8, with a trailing newline. */
INFUSE_API INFUSE_NODISCARD int infuse_write_json(const infuse_result_t *result,
                                                  char *buf, size_t cap,
                                                  size_t *len);

/* ===========================================================================
 * Calendar: civil dates as day numbers
 *
 * A date is an int32_t count of days since 1970-01-01 (day 0), in the
 * proleptic Gregorian calendar. No time zone and no clock are involved:
 * dates are calendar days as a clinic writes them. Accepted range:
 * 1900-01-01 (INFUSE_DATE_MIN) to 9999-12-31 (INFUSE_DATE_MAX).
 * ========================================================================= */
#define INFUSE_DATE_MIN (-25567)  /* 1900-01-01 */
#define INFUSE_DATE_MAX 2932896   /* 9999-12-31 */

/* The day number of year-month-day. E_RANGE for a date that does not exist
 * (2025-02-29, month 13, day 0) or is outside the range; nothing written. */
INFUSE_API INFUSE_NODISCARD int infuse_date_from_ymd(int32_t year,
                                                     int32_t month,
                                                     int32_t day,
                                                     int32_t *out);
/* Year, month (1-12) and day (1-31) of a day number. E_RANGE outside the
 * range; E_NULL for a NULL output; nothing written on failure. */
INFUSE_API INFUSE_NODISCARD int infuse_date_to_ymd(int32_t date, int32_t *year,
                                                   int32_t *month,
                                                   int32_t *day);
/* ISO 8601 weekday: 1 Monday .. 7 Sunday (0 outside the range). */
INFUSE_API int infuse_date_weekday(int32_t date);
/* Parse exactly "YYYY-MM-DD" (ISO 8601 calendar date, four-digit year,
 * nothing before or after). E_SYNTAX for another form, E_RANGE for a date
 * that does not exist or is out of range. `field` names the input in diag. */
INFUSE_API INFUSE_NODISCARD int infuse_date_parse(const char *text,
                                                  const char *field,
                                                  int32_t *out,
                                                  infuse_diag_t *diag);
/* Write "YYYY-MM-DD" and a NUL into buf (at least 11 bytes). Returns 10, or
 * 0 (writing nothing) for a date out of range or a cap under 11. */
INFUSE_API size_t infuse_date_format(int32_t date, char *buf, size_t cap);
/* date plus `months` calendar months; the day is kept, or becomes the last
 * day of a shorter month (2025-01-31 + 1 month = 2025-02-28). E_RANGE out
 * of range. */
INFUSE_API INFUSE_NODISCARD int infuse_date_add_months(int32_t date,
                                                       int32_t months,
                                                       int32_t *out);

/* ===========================================================================
 * Courses: an induction series, then maintenance
 * ========================================================================= */

typedef enum infuse_maintenance {
  INFUSE_MAINTENANCE_TAPER = 0,  /* intervals lengthen by the taper steps */
  INFUSE_MAINTENANCE_WEEKLY = 1, /* every 7 days */
  INFUSE_MAINTENANCE_NONE = 2    /* induction only */
} infuse_maintenance_t;

typedef enum infuse_phase {
  INFUSE_PHASE_INDUCTION = 0,
  INFUSE_PHASE_MAINTENANCE = 1
} infuse_phase_t;

/* Clinic days: bit (ISO weekday - 1), Monday = bit 0 .. Sunday = bit 6. */
#define INFUSE_WEEKDAY_BIT(iso_weekday) (1u << ((unsigned)(iso_weekday) - 1u))
#define INFUSE_CLINIC_MON_FRI 0x1fu

#define INFUSE_MAX_CLOSED 128     /* closed dates in one course */
#define INFUSE_MAX_TAPER_STEPS 16

/* One taper step: `count` sessions `interval_days` apart. A count of 0
 * means "repeat until the horizon" and is allowed only on the last step. */
typedef struct infuse_taper_step {
  int32_t interval_days;
  int32_t count;
} infuse_taper_step_t;

/*
 * A course plan's options. Fill with infuse_course_init() (the defaults
 * below), then set the start date and any changes.
 *
 * Rules (all dates are day numbers):
 *  - Induction: `induction_count` sessions (default 6), `per_week` per week
 *    (default 3; 2 allowed). With 3 per week the target gaps cycle 2, 2, 3
 *    days (Mon/Wed/Fri from a Monday); with 2 per week 3, 4 days (Mon/Thu).
 *    The cycle is aligned with the weekday of the first session (after
 *    snapping): with 3 per week a Mon or Tue first session starts at 2, 2,
 *    3, a Wed or Thu at 2, 3, 2, a Fri, Sat or Sun at 3, 2, 2; with 2 per
 *    week Mon to Wed starts at 3, 4 and Thu to Sun at 4, 3.
 *  - Maintenance: TAPER walks the taper steps (default 5 d x 2, 7 d x 2,
 *    10 d x 2, 14 d x 2, 21 d x 2, then every 28 d: from every 5 days to
 *    every 3-4 weeks within about 5 months, after Pfeiffer et al. 2024);
 *    WEEKLY is every 7 days; NONE stops after induction. The first
 *    maintenance gap is the first step's interval, from the last induction
 *    session.
 *  - Snapping: a target date that is not a clinic day, or is closed, moves
 *    to the next day that is both; it never moves earlier, so no interval
 *    becomes shorter than targeted. Each gap is measured from the previous
 *    session's actual date. A gap never falls below `min_interval_days`
 *    (default 2 = 48 h): the target is first raised to it.
 *  - Horizon: sessions are planned on dates before start + horizon_months
 *    calendar months (default 12). A closure that reaches the horizon ends
 *    the plan there (it is not an error).
 *  - With 2 per week the minimum interval can be at most 3 days (a longer
 *    one is E_CONFLICT), since two sessions a week need a gap of 3 or 4.
 *  - Errors (nothing written): start outside the date range, no clinic
 *    day, per_week not 2 or 3 or above the clinic days' capacity under the
 *    minimum interval (3 per week on Mon/Tue only), counts or intervals out
 *    of range, a taper step list that is empty or has count 0 before its
 *    end, a closed date list longer than INFUSE_MAX_CLOSED or with dates out
 *    of range, more than 366 consecutive days with no allowed day.
 */
typedef struct infuse_course_options {
  uint32_t struct_size;              /* sizeof(infuse_course_options_t) */
  int32_t start;                     /* first session's target date */
  int32_t induction_count;           /* 1..12, default 6 */
  int32_t per_week;                  /* 2 or 3, default 3 */
  uint32_t clinic_days;              /* weekday bits, default Mon-Fri */
  int32_t min_interval_days;         /* 1..28, default 2 (48 h) */
  infuse_maintenance_t maintenance;  /* default TAPER */
  int32_t n_taper_steps;             /* 1..INFUSE_MAX_TAPER_STEPS */
  infuse_taper_step_t taper[INFUSE_MAX_TAPER_STEPS];
  int32_t horizon_months;            /* 1..60, default 12 */
  int32_t n_closed;                  /* 0..INFUSE_MAX_CLOSED */
  int32_t closed[INFUSE_MAX_CLOSED]; /* closed dates, any order */
} infuse_course_options_t;

/* Fill *opt with the defaults above and `start`. E_NULL, or E_RANGE for a
 * start outside the date range; nothing written on failure. */
INFUSE_API INFUSE_NODISCARD int infuse_course_init(infuse_course_options_t *opt,
                                                   int32_t start);

typedef struct infuse_session {
  int32_t index;                  /* from 1 */
  int32_t date;                   /* day number */
  infuse_phase_t phase;
  int32_t interval_days;          /* from the previous session; 0 first */
  int32_t target_interval_days;   /* before snapping; 0 first */
  int32_t moved_days;             /* days snapping added (0: on target) */
} infuse_session_t;

/* At most this many sessions in any plan (5 years of 2-day gaps fit). */
#define INFUSE_MAX_SESSIONS 1000

/*
 * Plan the course into sessions[0 .. *n-1]. On INFUSE_OK *n is the number
 * of sessions. When cap is too small: INFUSE_E_BUFFER_TOO_SMALL with *n set
 * to the number needed and sessions untouched (sessions may be NULL when
 * cap is 0; diag is filled as for any error). Other errors write nothing
 * but diag.
 */
INFUSE_API INFUSE_NODISCARD int infuse_course_plan(
    const infuse_course_options_t *opt, infuse_session_t *sessions,
    size_t cap, size_t *n, infuse_diag_t *diag);

/* "induction" or "maintenance"; "unknown" otherwise; never NULL. */
INFUSE_API const char *infuse_phase_name(int phase);

/* ---------------------------------------------------------------------------
 * Course exports into caller buffers (same buffer contract as the result
 * writers: INFUSE_OK with *len; INFUSE_E_BUFFER_TOO_SMALL with *len the
 * length needed and buf untouched; E_NULL, E_STRUCT_SIZE, E_INVALID for a
 * malformed export description).
 * ------------------------------------------------------------------------- */
#define INFUSE_COURSE_ID_MAX 64

typedef struct infuse_course_export {
  uint32_t struct_size;               /* sizeof(infuse_course_export_t) */
  const infuse_session_t *sessions;   /* from infuse_course_plan */
  size_t n_sessions;                  /* 1 .. INFUSE_MAX_SESSIONS */
  const infuse_result_t *result;      /* NULL: dates only; else the dose
                                         (and pump program) of every session */
  const char *course_id;              /* [A-Za-z0-9.-]{1,64}; names the
                                         course in UIDs and resource ids;
                                         required for ICS and FHIR */
  const char *uid_domain;             /* ICS UIDs end "@uid_domain"; printable
                                         ASCII without spaces; NULL:
                                         "infuse.invalid" */
  int64_t dtstamp;                    /* ICS DTSTAMP and FHIR authoredOn: the
                                         caller's clock, seconds since
                                         1970-01-01T00:00:00Z (the library
                                         reads no clock) */
  const char *patient_reference;      /* FHIR subject, e.g. "Patient/123";
                                         required for FHIR */
} infuse_course_export_t;

/* One JSON object: {"sessions": [...], "summary": {...}}; each session has
 * index, date, phase, interval_days (null for the first),
 * target_interval_days, moved_days and, with a result, dose_mg and for a
 * pump program rate_ml_per_h and vtbi_ml (docs/json.md). */
INFUSE_API INFUSE_NODISCARD int infuse_course_write_json(
    const infuse_course_export_t *x, char *buf, size_t cap, size_t *len);
/* RFC 4180 CSV with a header line and CRLF line ends: index, date, phase,
 * interval_days, target_interval_days, moved_days, dose_mg, rate_ml_per_h,
 * vtbi_ml (the last three empty without a result). */
INFUSE_API INFUSE_NODISCARD int infuse_course_write_csv(
    const infuse_course_export_t *x, char *buf, size_t cap, size_t *len);

/* iCalendar (RFC 5545): one VCALENDAR with one all-day VEVENT per session
 * (DTSTART;VALUE=DATE, so no time zone is involved), UID
 * "<course_id>-<index>@<uid_domain>", DTSTAMP from x->dtstamp (UTC), a
 * SUMMARY and a DESCRIPTION holding the dose and rate when a result is
 * given; CRLF line ends, lines folded at 75 octets without splitting a
 * UTF-8 sequence, TEXT values escaped. See docs/exports.md. */
INFUSE_API INFUSE_NODISCARD int infuse_course_write_ics(
    const infuse_course_export_t *x, char *buf, size_t cap, size_t *len);
/* FHIR R4 JSON: one Bundle (type "collection") with one MedicationRequest
 * per run of sessions (the induction; then each stretch of maintenance
 * sessions with one target interval): status "draft", intent "order",
 * ketamine (RxNorm 6130), subject x->patient_reference, authoredOn
 * x->dtstamp (UTC), groupIdentifier x->course_id, and one dosageInstruction:
 * timing (every session date in event; repeat with boundsPeriod, count,
 * frequency/period/periodUnit from the target intervals and, for a pump
 * program, the duration), route intravenous (SNOMED CT 47625008), and with a
 * result doseAndRate in UCUM mg and mL/h. Entries have fullUrl
 * "urn:uuid:<id>", id a name-based UUID (version 5). Besides the shared
 * errors: E_NULL without course_id or patient_reference; E_INVALID for a
 * dtstamp outside 1900-01-01T00:00:00Z..9999-12-31T23:59:59Z, a result whose
 * verdict is not INFUSE_VERDICT_OK (a stopped dose is no order), or a result
 * of an oral protocol (the requests are IV). See docs/exports.md. */
INFUSE_API INFUSE_NODISCARD int infuse_course_write_fhir(
    const infuse_course_export_t *x, char *buf, size_t cap, size_t *len);

/* ===========================================================================
 * Oral regimen
 * ========================================================================= */

/* For a protocol with route ORAL: the dose as infuse_dose_compute, then the
 * volume of the oral solution (vial_ug_per_ml is its strength) rounded to
 * volume_step_ul with the protocol's volume_rounding, the delivered dose and
 * its deviation (drug_volume_ul, delivered_dose_ng, dose_deviation_ppm; the
 * deviation and dose checks as for a pump program). has_pump stays false.
 * E_INVALID for an infusion protocol; otherwise returns like
 * infuse_dose_compute. */
INFUSE_API INFUSE_NODISCARD int infuse_oral_compute(const infuse_request_t *req,
                                                    infuse_result_t *result,
                                                    infuse_diag_t *diag);

/* ===========================================================================
 * Response-guided review (decision support: findings advise, they never
 * change a plan)
 * ========================================================================= */
typedef enum infuse_scale {
  INFUSE_SCALE_MADRS = 0, /* 0..60 */
  INFUSE_SCALE_PHQ9 = 1   /* 0..27 */
} infuse_scale_t;

typedef struct infuse_review_options {
  uint32_t struct_size;     /* sizeof(infuse_review_options_t) */
  infuse_scale_t scale;
  int32_t improvement_pct;  /* reduction from baseline; default 20 */
  int32_t partial_pct;      /* default 30 */
  int32_t response_pct;     /* default 50 */
  int32_t remission_max;    /* score at or below; default MADRS 10, PHQ-9 5 */
} infuse_review_options_t;

/* Defaults for the scale (sources in docs/clinical.md). E_NULL, E_INVALID
 * for an unknown scale; nothing written on failure. */
INFUSE_API INFUSE_NODISCARD int infuse_review_init(
    infuse_review_options_t *opt, infuse_scale_t scale);

#define INFUSE_REVIEW_FINDING_MAP(X)                                           \
  X(NO_RESPONSE_AFTER_3, 1, "no_response_after_3")                             \
  X(NO_IMPROVEMENT_AFTER_4, 2, "no_improvement_after_4")                       \
  X(THREE_NON_IMPROVEMENTS, 3, "three_non_improvements")                       \
  X(RESPONSE_AT_1, 4, "response_at_1")

typedef enum infuse_review_code {
  INFUSE_REVIEW_NONE = 0,
/* `value` is an integer literal from the X-macro table above, used whole
 * as an enumerator initializer: parentheses would add nothing.
 * NOLINTNEXTLINE(bugprone-macro-parentheses) */
#define INFUSE__REVIEW_ENUM(name, value, text) INFUSE_REVIEW_##name = value,
  INFUSE_REVIEW_FINDING_MAP(INFUSE__REVIEW_ENUM)
#undef INFUSE__REVIEW_ENUM
  INFUSE__REVIEW_FORCE_INT = 0x7fffffff
} infuse_review_code_t;

#define INFUSE_MAX_SCORES 64

typedef struct infuse_review_point {
  int32_t infusion;          /* 1-based */
  int32_t score;
  int32_t reduction_permille;/* (baseline - score) x 1000 / baseline,
                                nearest; negative when worse */
  bool improved;             /* reduction >= improvement_pct (exact) */
  bool partial;              /* reduction >= partial_pct */
  bool response;             /* reduction >= response_pct */
  bool remission;            /* score <= remission_max */
} infuse_review_point_t;

typedef struct infuse_review_finding {
  infuse_review_code_t code;
  int32_t infusion;          /* the infusion the finding is made at */
} infuse_review_finding_t;

typedef struct infuse_review {
  uint32_t struct_size;      /* set by the caller */
  infuse_scale_t scale;
  int32_t baseline;
  int32_t n_points;
  infuse_review_point_t points[INFUSE_MAX_SCORES];
  int32_t first_response;    /* infusion number, 0 if none */
  int32_t first_remission;   /* infusion number, 0 if none */
  int32_t n_findings;
  infuse_review_finding_t findings[8];
} infuse_review_t;

/* Evaluate scores[i], the score after infusion i + 1, against the baseline
 * (before the first infusion). n_scores may be 0 (scores may then be NULL).
 * Findings are ordered by infusion, then code, each at most once;
 * THREE_NON_IMPROVEMENTS is not reported once a response has been seen.
 * Unused points and findings are zero. Errors (nothing written): E_NULL,
 * E_STRUCT_SIZE, E_RANGE (a score or baseline outside the scale, baseline
 * 0, more than INFUSE_MAX_SCORES scores), E_INVALID (options outside
 * 1 <= improvement <= partial <= response <= 100, remission_max outside
 * the scale). */
INFUSE_API INFUSE_NODISCARD int infuse_review_evaluate(
    const infuse_review_options_t *opt, int32_t baseline,
    const int32_t *scores, size_t n_scores, infuse_review_t *out,
    infuse_diag_t *diag);
/* "no_response_after_3" ...; "unknown" otherwise; never NULL. */
INFUSE_API const char *infuse_review_finding_name(int code);
/* One sentence with its source, starting "Infusion N: "; "" for NULL;
 * like infuse_format for the buffer. */
INFUSE_API size_t infuse_review_finding_message(
    const infuse_review_finding_t *finding, char *buf, size_t cap);

/* ===========================================================================
 * Exposure ledger: infusions and drug over any rolling 12 months
 * ========================================================================= */
typedef struct infuse_exposure_event {
  int32_t date;     /* day number */
  int64_t dose_ng;  /* > 0 */
} infuse_exposure_event_t;

typedef struct infuse_exposure_options {
  uint32_t struct_size;      /* sizeof(infuse_exposure_options_t) */
  int32_t alert_infusions;   /* alert above this many in 12 months; 0 off */
  int64_t alert_dose_ug;     /* alert above this much in 12 months; 0 off */
} infuse_exposure_options_t;

/* Site defaults (UNVERIFIED, see docs/clinical.md). E_NULL. */
INFUSE_API INFUSE_NODISCARD int infuse_exposure_init(
    infuse_exposure_options_t *opt);

typedef struct infuse_exposure {
  uint32_t struct_size;          /* set by the caller */
  int32_t total_infusions;
  int64_t total_dose_ng;
  int32_t peak_infusions;        /* most infusions in any window
                                    [d, d + 12 months) */
  int32_t peak_infusions_start;  /* that window's first day */
  int64_t peak_dose_ng;          /* most drug in any such window */
  int32_t peak_dose_start;
  bool alert_infusions;          /* peak_infusions > alert_infusions */
  bool alert_dose;               /* peak_dose_ng > 1000 x alert_dose_ug */
} infuse_exposure_t;

/* Events in date order (equal dates allowed); events may be NULL when n is
 * 0 (the peak starts are then 0). On a tie the earliest window wins; a
 * window that would end after 9999-12-31 has no end. Errors (nothing
 * written): E_NULL, E_STRUCT_SIZE, E_INVALID (out of order), E_RANGE (a
 * date out of range, a dose <= 0 or above INFUSE_MAX_DOSE_UG x 1000, more
 * than INFUSE_MAX_SESSIONS events, alert_infusions outside 0..1000 or
 * alert_dose_ug outside 0..1e12). */
INFUSE_API INFUSE_NODISCARD int infuse_exposure_evaluate(
    const infuse_exposure_event_t *events, size_t n,
    const infuse_exposure_options_t *opt, infuse_exposure_t *out,
    infuse_diag_t *diag);

/* ===========================================================================
 * Selection screen (decision support: findings, never a verdict)
 * ========================================================================= */
typedef struct infuse_screen_input {
  uint32_t struct_size;          /* sizeof(infuse_screen_input_t) */
  int32_t failed_trials;         /* adequate antidepressant trials failed;
                                    -1 unknown */
  int32_t psychotic_symptoms;    /* 1 yes, 0 no, -1 unknown */
  int32_t substance_misuse;      /* 1 yes, 0 no, -1 unknown */
  int32_t unstable_medical;      /* 1 yes, 0 no, -1 unknown */
  int32_t systolic_mmhg;         /* pre-infusion; 0 not measured */
  int32_t diastolic_mmhg;        /* 0 not measured */
  int32_t heart_rate_bpm;        /* 0 not measured */
} infuse_screen_input_t;

typedef struct infuse_screen_thresholds {
  uint32_t struct_size;          /* sizeof(infuse_screen_thresholds_t) */
  int32_t min_failed_trials;     /* default 2 (TRD); 0..50 */
  int32_t max_systolic_mmhg;     /* site; UNVERIFIED default */
  int32_t max_diastolic_mmhg;    /* site; UNVERIFIED default */
  int32_t max_heart_rate_bpm;    /* site; UNVERIFIED default */
} infuse_screen_thresholds_t;

/* Site defaults (UNVERIFIED, see docs/clinical.md). E_NULL. */
INFUSE_API INFUSE_NODISCARD int infuse_screen_init(
    infuse_screen_thresholds_t *thresholds);

#define INFUSE_SCREEN_FINDING_MAP(X)                                           \
  X(TRD_NOT_MET, 1, "trd_not_met")                                             \
  X(PSYCHOTIC_SYMPTOMS, 2, "psychotic_symptoms")                               \
  X(SUBSTANCE_MISUSE, 3, "substance_misuse")                                   \
  X(UNSTABLE_MEDICAL, 4, "unstable_medical")                                   \
  X(SYSTOLIC_HIGH, 5, "systolic_high")                                         \
  X(DIASTOLIC_HIGH, 6, "diastolic_high")                                       \
  X(HEART_RATE_HIGH, 7, "heart_rate_high")                                     \
  X(NOT_ASSESSED, 8, "not_assessed")

typedef enum infuse_screen_code {
  INFUSE_SCREEN_NONE = 0,
/* `value` is an integer literal from the X-macro table above, used whole
 * as an enumerator initializer: parentheses would add nothing.
 * NOLINTNEXTLINE(bugprone-macro-parentheses) */
#define INFUSE__SCREEN_ENUM(name, value, text) INFUSE_SCREEN_##name = value,
  INFUSE_SCREEN_FINDING_MAP(INFUSE__SCREEN_ENUM)
#undef INFUSE__SCREEN_ENUM
  INFUSE__SCREEN_FORCE_INT = 0x7fffffff
} infuse_screen_code_t;

typedef struct infuse_screen_finding {
  infuse_screen_code_t code;
  int32_t value;   /* the value found (trials, mmHg, bpm; 0 for yes/no) */
  int32_t limit;   /* the threshold (0 for yes/no) */
} infuse_screen_finding_t;

typedef struct infuse_screen {
  uint32_t struct_size;          /* set by the caller */
  int32_t n_findings;
  infuse_screen_finding_t findings[12];
} infuse_screen_t;

/* A threshold of 0 turns its check off. Findings come in code order;
 * NOT_ASSESSED's value is how many of the 7 items are unknown (-1) or not
 * measured (0).
 * Errors (nothing written): E_NULL, E_STRUCT_SIZE, E_RANGE (trials < -1 or
 * > 50, flags not -1/0/1, blood pressure outside 0 or 40..300, heart rate
 * outside 0 or 20..250, thresholds outside the same ranges). */
INFUSE_API INFUSE_NODISCARD int infuse_screen_evaluate(
    const infuse_screen_input_t *in, const infuse_screen_thresholds_t *t,
    infuse_screen_t *out, infuse_diag_t *diag);
/* "trd_not_met" ...; "unknown" otherwise; never NULL. */
INFUSE_API const char *infuse_screen_finding_name(int code);
/* One sentence, with its source where there is one. */
INFUSE_API size_t infuse_screen_finding_message(
    const infuse_screen_finding_t *finding, char *buf, size_t cap);


/* ===========================================================================
 * Research simulation: pharmacokinetics, virtual patients, cohorts
 *
 * Floating point is used here and only here. Results are reproducible on
 * one platform and compared with tolerances across platforms; counts from
 * the cohort simulation are integers and merge exactly. Nothing in this
 * part is a clinical instruction.
 * ========================================================================= */

/* Counter-based random numbers: Philox4x32-10 (Salmon et al., SC'11). The
 * output is a pure function of (key, counter): a patient's draws depend only
 * on (seed, patient index, draw number), never on how a cohort is split. */
typedef struct infuse_philox_block {
  uint32_t v[4];
} infuse_philox_block_t;
INFUSE_API infuse_philox_block_t infuse_philox4x32(const uint32_t counter[4],
                                                   const uint32_t key[2]);
/* The uniform double in [0, 1) with 53 random bits that the simulations use
 * for draw `draw` of stream `stream` for `patient` under `seed`:
 * counter = (patient low, patient high, draw, stream), key = seed. */
INFUSE_API double infuse_sim_uniform(uint64_t seed, uint64_t patient,
                                     uint32_t stream, uint32_t draw);

/* --- Pharmacokinetic models ------------------------------------------------
 * A linear mammillary model with 1 to 3 compartments, elimination from the
 * central one, every input into the central one. Rate constants per minute;
 * the central volume in litres per kg of body weight. A 1-compartment model
 * has k12 = k13 = k21 = k31 = 0; a 2-compartment model has k13 = k31 = 0. */
typedef struct infuse_pk_model {
  uint32_t struct_size;    /* sizeof(infuse_pk_model_t) */
  int32_t compartments;    /* 1, 2 or 3 */
  double v1_l_per_kg;      /* central volume */
  double k10, k12, k13, k21, k31; /* per minute */
} infuse_pk_model_t;

/* The built-in sets: "domino" (3 compartments) and "clements" (2), as coded
 * in open-source TCI software, pending a check against the papers (see
 * docs/clinical.md). */
INFUSE_API size_t infuse_pk_model_count(void);
/* The name of built-in set `index`; NULL past the end. */
INFUSE_API const char *infuse_pk_model_name(size_t index);
/* Copy built-in set `name` into *model (model->struct_size must be set).
 * E_NULL, E_STRUCT_SIZE, E_INVALID (unknown name); nothing written on
 * failure. */
INFUSE_API INFUSE_NODISCARD int infuse_pk_model_get(const char *name,
                                                    infuse_pk_model_t *model,
                                                    infuse_diag_t *diag);
/* Build a model from per-kg volumes (L/kg) and clearances (L/min/kg):
 * k10 = cl/v1, k12 = q2/v1, k21 = q2/v2, k13 = q3/v1, k31 = q3/v3. Pass
 * v2 = q2 = 0 (and v3 = q3 = 0) for fewer compartments. Errors as for
 * infuse_pk_model_validate. */
INFUSE_API INFUSE_NODISCARD int infuse_pk_model_from_clearances(
    int32_t compartments, double v1_l_per_kg, double v2_l_per_kg,
    double v3_l_per_kg, double cl_l_per_min_per_kg, double q2_l_per_min_per_kg,
    double q3_l_per_min_per_kg, infuse_pk_model_t *model, infuse_diag_t *diag);
/* INFUSE_OK, or E_NULL, E_STRUCT_SIZE, E_INVALID (compartments not 1..3,
 * a constant not finite, a rate that must be zero for the compartment count
 * and is not), E_RANGE (v1 outside (0, 100] L/kg, k10 outside (0, 100]/min,
 * an inter-compartment constant of a used compartment outside
 * [1e-9, 100]/min). */
INFUSE_API INFUSE_NODISCARD int infuse_pk_model_validate(
    const infuse_pk_model_t *model, infuse_diag_t *diag);

/* --- A prepared system -----------------------------------------------------
 * For input into the central compartment the central concentration is a sum
 * of independent modes: c(t) = sum_i u_i(t) with u_i' = -lambda_i u_i +
 * gain_i r(t), r the infusion rate in mg/min. The modes come from an
 * orthogonal (Jacobi) eigendecomposition of the symmetrised clearance
 * matrix, so close rate constants lose no accuracy, and the small
 * eigenvalues are recomputed from determinants so tiny ones keep theirs.
 * Every gain is >= 0, the gains add up to 1000 / v1_l and sum_i gain_i /
 * lambda_i = 1000 / cl_l_per_min (ng/mL per mg/min, the steady state per
 * unit rate). Accuracy limit: a slow mode's gain carries a relative error
 * of about 1e-16 x (fastest / slowest eigenvalue), so for models stiffer
 * than about 1e7 (e.g. 2e-11 against 100 per minute) the identities above
 * hold only to about 1e-9 and worse; the built-in sets are far from it. */
#define INFUSE_PK_MAX_MODES 3
typedef struct infuse_pk_system {
  uint32_t struct_size;                 /* sizeof(infuse_pk_system_t) */
  int32_t modes;                        /* = compartments */
  double weight_kg;
  double v1_l;                          /* central volume */
  double cl_l_per_min;                  /* k10 x v1 */
  double lambda_per_min[INFUSE_PK_MAX_MODES];   /* ascending, > 0 */
  double gain_ng_per_ml_per_mg[INFUSE_PK_MAX_MODES]; /* bolus response at 0 */
} infuse_pk_system_t;

/* Prepare the system of `model` for a patient of weight_kg (0 < w <= 500;
 * not finite: E_INVALID). Errors as for infuse_pk_model_validate, and
 * E_RANGE for the weight (also when v1 x weight or the clearance, or for
 * "model.k10" the slowest rate, would be below 1e-300); nothing written on
 * failure. */
INFUSE_API INFUSE_NODISCARD int infuse_pk_prepare(const infuse_pk_model_t *model,
                                                  double weight_kg,
                                                  infuse_pk_system_t *sys,
                                                  infuse_diag_t *diag);

/* One constant-rate infusion; duration 0 is a bolus. */
typedef struct infuse_pk_infusion {
  double start_min;      /* >= 0 */
  double duration_min;   /* >= 0 */
  double dose_mg;        /* > 0; a dose or rate so small that it
                            underflows (below about 1e-290 mg or mg/min)
                            is accepted but loses precision or vanishes */
} infuse_pk_infusion_t;

/* Infusions are given in order of start and must not overlap (a start
 * equal to the previous end is allowed). At most INFUSE_PK_MAX_INFUSIONS.
 * Every time (starts, ends, t0 + (n - 1) x step, until) is at most 1e9 min,
 * and doses and rates are refused (E_RANGE) where a concentration or AUC
 * would exceed 1e280, so every result is finite. */
#define INFUSE_PK_MAX_INFUSIONS 100000

/* The central concentration (ng/mL) at t0 + k x step for k = 0..n-1, exact
 * at every infusion start and stop (closed-form propagation from event to
 * event). At an event time the value after the event is given (a bolus at
 * t is included at t). Errors (out untouched): E_NULL, E_STRUCT_SIZE,
 * E_INVALID (infusions out of order or overlapping, a value not finite, a
 * system not made by infuse_pk_prepare: modes outside 1..3, a volume,
 * clearance or rate not positive, rates not ascending, a gain negative),
 * E_RANGE (t0 < 0, step <= 0 when n > 1, a negative start or duration, a
 * dose <= 0, too many infusions, a time after 1e9 min, a dose or rate too
 * large as above). n may be 0. */
INFUSE_API INFUSE_NODISCARD int infuse_pk_curve(
    const infuse_pk_system_t *sys, const infuse_pk_infusion_t *infusions,
    size_t n_infusions, double t0_min, double step_min, size_t n,
    double *conc_ng_per_ml, infuse_diag_t *diag);

typedef struct infuse_pk_summary {
  uint32_t struct_size;          /* set by the caller */
  double cmax_ng_per_ml;         /* on [0, until] */
  double tmax_min;               /* the first time the maximum is reached */
  double auc_ng_h_per_ml;        /* integral over [0, until] */
  double auc_inf_ng_h_per_ml;    /* over [0, infinity): total dose / CL */
  double time_above_min;         /* time on [0, until] with c > threshold */
  double c_until_ng_per_ml;      /* c at `until` */
} infuse_pk_summary_t;

/* Cmax, Tmax, AUC and time above `threshold` over [0, until] without a
 * grid: maxima and threshold crossings are solved on each interval between
 * events (to a relative 1e-12 in time). threshold 0 gives time_above 0.
 * As in infuse_pk_curve a bolus counts at its own time (one at `until` is
 * in Cmax and c_until); auc_inf counts every infusion, also those after
 * `until`. Errors as for infuse_pk_curve, E_INVALID for a value not
 * finite, and E_RANGE for until <= 0 or after 1e9 min or a negative
 * threshold; *out untouched on error. */
INFUSE_API INFUSE_NODISCARD int infuse_pk_summarize(
    const infuse_pk_system_t *sys, const infuse_pk_infusion_t *infusions,
    size_t n_infusions, double until_min, double threshold_ng_per_ml,
    infuse_pk_summary_t *out, infuse_diag_t *diag);

/* --- Virtual patients --------------------------------------------------------
 * Patient `index` of a population has a weight drawn log-normal around the
 * median with the given CV, and every rate constant and v1 multiplied by an
 * independent log-normal factor exp(eta), eta ~ N(0, omega^2) with
 * omega^2 = ln(1 + CV^2) (the median factor is 1). CV 0 gives the typical
 * patient. Normal deviates come from Box-Muller on fixed draw numbers, so a
 * patient's draws never depend on libm results or on other patients:
 * stream 1 of infuse_sim_uniform, draws 0-1 the weight (cosine half),
 * 2-3 v1 and k10, 4-5 k12 and k21, 6-7 k13 and k31 (cosine, sine). */
typedef struct infuse_pk_population {
  uint32_t struct_size;          /* sizeof(infuse_pk_population_t) */
  infuse_pk_model_t model;       /* the typical patient */
  double variability_cv;         /* between-subject CV, 0..2 (0.3 = 30%) */
  double weight_median_kg;       /* 20..300 */
  double weight_cv;              /* 0..1 */
  uint64_t seed;
} infuse_pk_population_t;

/* Patient `index`'s model and weight (model->struct_size must be set).
 * Errors: E_NULL, E_STRUCT_SIZE, E_RANGE or E_INVALID for a population
 * field, and E_RANGE ("patient.weight_kg", "patient.k10", ...) when a draw
 * far in a tail leaves the ranges infuse_pk_prepare accepts (possible only
 * with extreme medians or CVs; never clamped); outputs untouched. */
INFUSE_API INFUSE_NODISCARD int infuse_pk_patient(
    const infuse_pk_population_t *pop, uint64_t index, infuse_pk_model_t *model,
    double *weight_kg, infuse_diag_t *diag);

/* --- Cohort Monte Carlo -------------------------------------------------------
 * The outcome model (docs/cohort.md gives its equations and the derivation
 * of the defaults from the review figures in docs/clinical.md):
 *  - a patient is ketamine-responsive with probability responsive_fraction;
 *    others never respond;
 *  - a responsive patient not yet responding: at infusion 1 remits (which
 *    includes responding) with probability p_remit_first or responds
 *    without remission with p_respond_first (one draw, exclusive outcomes);
 *    at each later induction infusion likewise with p_remit_next and
 *    p_respond_next;
 *  - a responder not yet in remission remits at each later induction
 *    infusion with p_remit_after_response;
 *  - a responder's benefit lasts D days after each infusion, D fixed per
 *    patient, ceil of an exponential with P(D <= 28) = relapse_28d; the
 *    patient relapses on the day after the last infusion + D unless the next
 *    infusion comes within D days. A relapse ends the patient's course.
 *  - induction stops early after `futility_after` infusions without a
 *    response (0: never); non-responders end with the induction; responders
 *    continue into the maintenance sessions of the course plan.
 * Every session is one infusion of dose_ug_per_kg x the patient's weight
 * (log-normal, weight_median_kg, weight_cv), taking duration + observation
 * minutes of chair time. Each patient is followed from the first session to
 * the end of the plan's horizon. */
typedef struct infuse_cohort_model {
  uint32_t struct_size;           /* sizeof(infuse_cohort_model_t) */
  double responsive_fraction;
  double p_remit_first, p_respond_first;
  double p_remit_next, p_respond_next;
  double p_remit_after_response;
  double relapse_28d;
} infuse_cohort_model_t;

/* The calibrated defaults (docs/cohort.md). E_NULL, E_STRUCT_SIZE. */
INFUSE_API INFUSE_NODISCARD int infuse_cohort_model_init(
    infuse_cohort_model_t *model);

typedef struct infuse_cohort_options {
  uint32_t struct_size;           /* sizeof(infuse_cohort_options_t) */
  int32_t horizon_months;         /* follow-up: from the first session's
                                     date to that date + this many calendar
                                     months (as the plan's horizon), 1..60,
                                     default 12; E_RANGE outside, E_INVALID
                                     for a session on or after the end */
  infuse_cohort_model_t model;
  uint64_t seed;
  uint64_t first_patient;         /* this shard: patients */
  uint64_t n_patients;            /*   [first, first + n) */
  int32_t futility_after;         /* 0 (never) or 1..induction count */
  int32_t dose_ug_per_kg;         /* default 500 (0.5 mg/kg) */
  int32_t duration_min;           /* default 40 */
  int32_t observation_min;        /* chair time after the infusion; default
                                     60 (UNVERIFIED site default) */
  double weight_median_kg;        /* default 80 (UNVERIFIED) */
  double weight_cv;               /* default 0.2 (UNVERIFIED) */
} infuse_cohort_options_t;

/* Defaults above with the given seed and patients [0, n_patients).
 * E_NULL, E_STRUCT_SIZE. */
INFUSE_API INFUSE_NODISCARD int infuse_cohort_init(infuse_cohort_options_t *opt,
                                                   uint64_t seed,
                                                   uint64_t n_patients);

/* Weekly relapse curve length: relapses in week w after the end of
 * induction, w = 0 .. INFUSE_COHORT_WEEKS - 1 (5 years). */
#define INFUSE_COHORT_WEEKS 262
/* Response curve: patients first responding at infusion k = 1..12. */
#define INFUSE_COHORT_INFUSIONS 12

/* Integer counts: sums over patients, so shards add up exactly. */
typedef struct infuse_cohort_counts {
  uint32_t struct_size;           /* set by the caller */
  uint64_t fingerprint;           /* of everything but the patient range */
  uint64_t first_patient;
  uint64_t patients;
  int64_t patient_days;           /* days followed */
  int64_t responsive;             /* latent class size */
  int64_t response_at_1;
  int64_t response_by_3;
  int64_t remission_by_3_after_response_at_1;
  int64_t no_response_at_1;
  int64_t remission_by_3_after_no_response_at_1;
  int64_t no_response_by_2;
  int64_t remission_after_no_response_by_2;  /* by the end of induction */
  int64_t responders;             /* at the end of induction */
  int64_t remitters;              /* at the end of induction */
  int64_t futility_stops;
  int64_t relapse_28d_untreated;  /* responders with D <= 28 */
  int64_t relapses;               /* within the horizon */
  int64_t infusions;
  int64_t induction_infusions;
  int64_t maintenance_infusions;
  int64_t drug_ug;
  int64_t chair_minutes;
  int64_t first_response[INFUSE_COHORT_INFUSIONS];
  int64_t relapse_week[INFUSE_COHORT_WEEKS];
} infuse_cohort_counts_t;

/* Simulate patients [first, first + n) over the sessions of a course plan
 * (infuse_course_plan) and write their counts to *out. Errors (out
 * untouched): E_NULL, E_STRUCT_SIZE, E_RANGE (a probability outside [0, 1],
 * relapse_28d outside (0, 1), p_remit + p_respond > 1 at one step, dose
 * outside 1..5000 ug/kg, duration 1..1440 min, observation 0..1440 min,
 * weights as for the PK population, futility_after outside 0..induction
 * count, first + n overflowing), E_INVALID (no sessions, sessions not in
 * order). */
INFUSE_API INFUSE_NODISCARD int infuse_cohort_run(
    const infuse_cohort_options_t *opt, const infuse_session_t *sessions,
    size_t n_sessions, infuse_cohort_counts_t *out, infuse_diag_t *diag);

/* Add `part` into *sum. The fingerprints must match and the patient ranges
 * must be adjacent (part right after sum or right before it); sum's range
 * becomes their union. E_NULL, E_STRUCT_SIZE, E_CONFLICT (fingerprints
 * differ, ranges not adjacent), E_RANGE (a count would overflow); sum
 * untouched on error. An all-zero sum with patients 0 takes part as is. */
INFUSE_API INFUSE_NODISCARD int infuse_cohort_merge(infuse_cohort_counts_t *sum,
                                                    const infuse_cohort_counts_t *part,
                                                    infuse_diag_t *diag);

typedef struct infuse_cohort_rates {
  uint32_t struct_size;           /* set by the caller */
  double response_by_infusion_3;                 /* / patients */
  double remission_by_3_given_response_at_1;     /* / response_at_1 */
  double remission_by_3_given_no_response_at_1;  /* / no_response_at_1 */
  double remission_given_no_response_by_2;       /* / no_response_by_2 */
  double relapse_within_28d_without_maintenance; /* / responders */
  double response_end_of_induction;              /* / patients */
  double remission_end_of_induction;             /* / patients */
  double relapse_in_horizon;                     /* / responders */
  double infusions_per_patient_year;
  double drug_mg_per_patient_year;
  double chair_hours_per_patient_year;
} infuse_cohort_rates_t;

/* Rates from counts; a rate whose denominator is 0 is NaN. E_NULL,
 * E_STRUCT_SIZE. */
INFUSE_API INFUSE_NODISCARD int infuse_cohort_rates(
    const infuse_cohort_counts_t *counts, infuse_cohort_rates_t *rates);

#ifdef __cplusplus
}
#endif

#endif /* INFUSE_H */
