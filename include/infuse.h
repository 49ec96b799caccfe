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
 *   TIME          s        (accepts h, hr, min, s)
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

#ifdef __cplusplus
}
#endif

#endif /* INFUSE_H */
