"""The C side: finding and loading libinfuse, the structs of infuse.h as
ctypes Structures (field for field, in the header's order), the function
prototypes, and the error type built from infuse_diag_t.

Nothing here is public API except InfuseError, LibraryError, load() and
library(); the rest of the package wraps it.
"""

import ctypes
import ctypes.util
import os
import sys
import threading

# The ABI this module mirrors: infuse.h of libinfuse 0.1 (SONAME
# libinfuse.so.0). The major must match; while the major is 0 the minor must
# match too, because the README allows 0.x releases to change the ABI between
# minor versions (a struct laid out differently would be read wrongly).
ABI_MAJOR = 0
ABI_MINOR = 1

# ---------------------------------------------------------------------------
# Constants from infuse.h
# ---------------------------------------------------------------------------
DIAG_FIELD_MAX = 48
DIAG_VALUE_MAX = 64
DIAG_MESSAGE_MAX = 320
PROTOCOL_ID_MAX = 32
PROTOCOL_VERSION_MAX = 16
PROTOCOL_TITLE_MAX = 96
PROTOCOL_DRUG_MAX = 32
STEP_MAX_OPERANDS = 4
MAX_FINDINGS = 16
MAX_STEPS = 20
MAX_TAPER_STEPS = 16
MAX_CLOSED = 128
MAX_SESSIONS = 1000
MAX_SCORES = 64
PK_MAX_MODES = 3
PK_MAX_INFUSIONS = 100000
COHORT_WEEKS = 262
COHORT_INFUSIONS = 12

# Status codes (INFUSE_STATUS_MAP; pinned values).
OK = 0
STOP_SOFT_LIMIT = 1
STOP_HARD_LIMIT = 2
E_NULL = -1
E_STRUCT_SIZE = -2
E_SYNTAX = -3
E_NO_UNIT = -4
E_UNKNOWN_UNIT = -5
E_WRONG_DIMENSION = -6
E_NEGATIVE = -7
E_ZERO = -8
E_PRECISION = -9
E_RANGE = -10
E_INVALID = -11
E_CONFLICT = -12
E_MISSING = -13
E_UNKNOWN_PROTOCOL = -14
E_NOT_INFUSION = -15
E_BUFFER_TOO_SMALL = -16
E_INDEX = -17

# Dimensions (infuse_dim_t) and their parse masks.
DIM_BODY_WEIGHT = 1
DIM_MASS = 2
DIM_VOLUME = 3
DIM_TIME = 4
DIM_DOSE_PER_KG = 5
DIM_CONCENTRATION = 6
DIM_RATE = 7
DIM_LENGTH = 8


def dim_bit(dim):
    return 1 << dim


# Units (infuse_unit_t).
UNIT_G = 1
UNIT_UG = 2
UNIT_NG = 3
UNIT_UL = 4
UNIT_S = 5
UNIT_MS = 6
UNIT_UG_PER_KG = 7
UNIT_UG_PER_ML = 8
UNIT_NG_PER_ML = 9
UNIT_UL_PER_H = 10
UNIT_MM = 11
UNIT_PPM = 12
UNIT_NG_PER_KG_PER_H = 13
UNIT_CENTI_KG_PER_M2 = 14
UNIT_COUNT = 15
UNIT_NG_PER_KG = 16

# Enumerations used by requests and courses.
ROUTE_IV_INFUSION = 0
ROUTE_ORAL = 1
PREP_ADD = 0
PREP_REPLACE = 1
PREP_FINAL_CONC = 2
PREP_SYRINGE = 3
WEIGHT_ACTUAL = 0
WEIGHT_IDEAL = 1
WEIGHT_ADJUSTED = 2
SEX_UNSPECIFIED = 0
SEX_MALE = 1
SEX_FEMALE = 2
DOSE_PER_KG = 0
DOSE_FIXED = 1
MAINTENANCE_TAPER = 0
MAINTENANCE_WEEKLY = 1
MAINTENANCE_NONE = 2

ACK = {
    "dose_per_kg": 1 << 0,
    "dose": 1 << 1,
    "weight": 1 << 2,
    "duration": 1 << 3,
    "rate": 1 << 4,
    "concentration": 1 << 5,
    "deviation": 1 << 6,
}
ACK_ALL = 0x7F

# Enumerations are int-sized in C (every one has values that fit an int,
# several are forced to int width by a 0x7fffffff member).
_enum = ctypes.c_int


# ---------------------------------------------------------------------------
# Structs, field for field as in infuse.h
# ---------------------------------------------------------------------------
class Diag(ctypes.Structure):
    _fields_ = [
        ("status", ctypes.c_int),
        ("field", ctypes.c_char * DIAG_FIELD_MAX),
        ("value", ctypes.c_char * DIAG_VALUE_MAX),
        ("message", ctypes.c_char * DIAG_MESSAGE_MAX),
    ]


class Quantity(ctypes.Structure):
    _fields_ = [
        ("dim", _enum),
        ("unit", _enum),
        ("value", ctypes.c_int64),
        ("rounded", ctypes.c_bool),
        ("source_mantissa", ctypes.c_int64),
        ("source_scale", ctypes.c_int32),
        ("source_unit", ctypes.c_char * 12),
    ]


class Limit(ctypes.Structure):
    _fields_ = [
        ("hard_low", ctypes.c_int64),
        ("soft_low", ctypes.c_int64),
        ("soft_high", ctypes.c_int64),
        ("hard_high", ctypes.c_int64),
    ]


class Protocol(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("id", ctypes.c_char * PROTOCOL_ID_MAX),
        ("version", ctypes.c_char * PROTOCOL_VERSION_MAX),
        ("title", ctypes.c_char * PROTOCOL_TITLE_MAX),
        ("drug", ctypes.c_char * PROTOCOL_DRUG_MAX),
        ("route", _enum),
        ("dose_ug_per_kg", ctypes.c_int64),
        ("duration_s", ctypes.c_int64),
        ("vial_ug_per_ml", ctypes.c_int64),
        ("vial_volume_ul", ctypes.c_int64),
        ("prep", _enum),
        ("bag_ul", ctypes.c_int64),
        ("final_conc_ug_per_ml", ctypes.c_int64),
        ("volume_step_ul", ctypes.c_int64),
        ("rate_step_ul_per_h", ctypes.c_int64),
        ("volume_rounding", _enum),
        ("rate_rounding", _enum),
        ("max_deviation_ppm", ctypes.c_int64),
        ("must_dilute_ug_per_ml", ctypes.c_int64),
        ("volumetric_min_ul_per_h", ctypes.c_int64),
        ("pump_max_ul_per_h", ctypes.c_int64),
        ("dose_per_kg", Limit),
        ("dose", Limit),
        ("weight", Limit),
        ("duration", Limit),
        ("rate", Limit),
        ("concentration", Limit),
    ]


class Request(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("protocol", ctypes.POINTER(Protocol)),
        ("weight_g", ctypes.c_int64),
        ("weight_basis", _enum),
        ("height_mm", ctypes.c_int64),
        ("sex", _enum),
        ("dose_mode", _enum),
        ("dose_ug_per_kg", ctypes.c_int64),
        ("dose_ug", ctypes.c_int64),
        ("duration_s", ctypes.c_int64),
        ("vial_ug_per_ml", ctypes.c_int64),
        ("prep", _enum),
        ("bag_ul", ctypes.c_int64),
        ("final_conc_ug_per_ml", ctypes.c_int64),
        ("volume_step_ul", ctypes.c_int64),
        ("rate_step_ul_per_h", ctypes.c_int64),
        ("acknowledge", ctypes.c_uint32),
        ("weight_entered", Quantity),
        ("height_entered", Quantity),
    ]


class Finding(ctypes.Structure):
    _fields_ = [
        ("code", _enum),
        ("severity", _enum),
        ("acknowledged", ctypes.c_bool),
        ("unit", _enum),
        ("value", ctypes.c_int64),
        ("limit", ctypes.c_int64),
        ("protocol_id", ctypes.c_char * PROTOCOL_ID_MAX),
        ("protocol_version", ctypes.c_char * PROTOCOL_VERSION_MAX),
    ]


class Operand(ctypes.Structure):
    _fields_ = [("unit", _enum), ("value", ctypes.c_int64)]


class Step(ctypes.Structure):
    _fields_ = [
        ("kind", _enum),
        ("n_operands", ctypes.c_int),
        ("operands", Operand * STEP_MAX_OPERANDS),
        ("unit", _enum),
        ("exact_num", ctypes.c_int64),
        ("exact_den", ctypes.c_int64),
        ("value", ctypes.c_int64),
        ("rounded", ctypes.c_bool),
        ("signed_value", ctypes.c_bool),
        ("rounding", _enum),
        ("round_step", ctypes.c_int64),
    ]


class Result(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("has_pump", ctypes.c_bool),
        ("route", _enum),
        ("protocol_id", ctypes.c_char * PROTOCOL_ID_MAX),
        ("protocol_version", ctypes.c_char * PROTOCOL_VERSION_MAX),
        ("actual_weight_g", ctypes.c_int64),
        ("height_mm", ctypes.c_int64),
        ("ideal_weight_g", ctypes.c_int64),
        ("adjusted_weight_g", ctypes.c_int64),
        ("bmi_centi", ctypes.c_int64),
        ("weight_basis", _enum),
        ("dosing_weight_g", ctypes.c_int64),
        ("dose_mode", _enum),
        ("dose_ug_per_kg", ctypes.c_int64),
        ("dose_ng", ctypes.c_int64),
        ("prep", _enum),
        ("vial_ug_per_ml", ctypes.c_int64),
        ("volume_step_ul", ctypes.c_int64),
        ("drug_volume_ul", ctypes.c_int64),
        ("vials", ctypes.c_int64),
        ("delivered_dose_ng", ctypes.c_int64),
        ("dose_deviation_ppm", ctypes.c_int64),
        ("diluent_ul", ctypes.c_int64),
        ("total_volume_ul", ctypes.c_int64),
        ("final_conc_ng_per_ml", ctypes.c_int64),
        ("duration_s", ctypes.c_int64),
        ("rate_step_ul_per_h", ctypes.c_int64),
        ("rate_ul_per_h", ctypes.c_int64),
        ("vtbi_ul", ctypes.c_int64),
        ("actual_duration_ms", ctypes.c_int64),
        ("dose_rate_ng_per_kg_per_h", ctypes.c_int64),
        ("verdict", _enum),
        ("n_findings", ctypes.c_int),
        ("findings", Finding * MAX_FINDINGS),
        ("n_steps", ctypes.c_int),
        ("steps", Step * MAX_STEPS),
    ]


class TaperStep(ctypes.Structure):
    _fields_ = [("interval_days", ctypes.c_int32), ("count", ctypes.c_int32)]


class CourseOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("start", ctypes.c_int32),
        ("induction_count", ctypes.c_int32),
        ("per_week", ctypes.c_int32),
        ("clinic_days", ctypes.c_uint32),
        ("min_interval_days", ctypes.c_int32),
        ("maintenance", _enum),
        ("n_taper_steps", ctypes.c_int32),
        ("taper", TaperStep * MAX_TAPER_STEPS),
        ("horizon_months", ctypes.c_int32),
        ("n_closed", ctypes.c_int32),
        ("closed", ctypes.c_int32 * MAX_CLOSED),
    ]


class Session(ctypes.Structure):
    _fields_ = [
        ("index", ctypes.c_int32),
        ("date", ctypes.c_int32),
        ("phase", _enum),
        ("interval_days", ctypes.c_int32),
        ("target_interval_days", ctypes.c_int32),
        ("moved_days", ctypes.c_int32),
    ]


class CourseExport(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("sessions", ctypes.POINTER(Session)),
        ("n_sessions", ctypes.c_size_t),
        ("result", ctypes.POINTER(Result)),
        ("course_id", ctypes.c_char_p),
        ("uid_domain", ctypes.c_char_p),
        ("dtstamp", ctypes.c_int64),
        ("patient_reference", ctypes.c_char_p),
    ]


class ReviewOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("scale", _enum),
        ("improvement_pct", ctypes.c_int32),
        ("partial_pct", ctypes.c_int32),
        ("response_pct", ctypes.c_int32),
        ("remission_max", ctypes.c_int32),
    ]


class ReviewPoint(ctypes.Structure):
    _fields_ = [
        ("infusion", ctypes.c_int32),
        ("score", ctypes.c_int32),
        ("reduction_permille", ctypes.c_int32),
        ("improved", ctypes.c_bool),
        ("partial", ctypes.c_bool),
        ("response", ctypes.c_bool),
        ("remission", ctypes.c_bool),
    ]


class ReviewFinding(ctypes.Structure):
    _fields_ = [("code", _enum), ("infusion", ctypes.c_int32)]


class Review(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("scale", _enum),
        ("baseline", ctypes.c_int32),
        ("n_points", ctypes.c_int32),
        ("points", ReviewPoint * MAX_SCORES),
        ("first_response", ctypes.c_int32),
        ("first_remission", ctypes.c_int32),
        ("n_findings", ctypes.c_int32),
        ("findings", ReviewFinding * 8),
    ]


class ExposureEvent(ctypes.Structure):
    _fields_ = [("date", ctypes.c_int32), ("dose_ng", ctypes.c_int64)]


class ExposureOptions(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("alert_infusions", ctypes.c_int32),
        ("alert_dose_ug", ctypes.c_int64),
    ]


class Exposure(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("total_infusions", ctypes.c_int32),
        ("total_dose_ng", ctypes.c_int64),
        ("peak_infusions", ctypes.c_int32),
        ("peak_infusions_start", ctypes.c_int32),
        ("peak_dose_ng", ctypes.c_int64),
        ("peak_dose_start", ctypes.c_int32),
        ("alert_infusions", ctypes.c_bool),
        ("alert_dose", ctypes.c_bool),
    ]


class ScreenInput(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("failed_trials", ctypes.c_int32),
        ("psychotic_symptoms", ctypes.c_int32),
        ("substance_misuse", ctypes.c_int32),
        ("unstable_medical", ctypes.c_int32),
        ("systolic_mmhg", ctypes.c_int32),
        ("diastolic_mmhg", ctypes.c_int32),
        ("heart_rate_bpm", ctypes.c_int32),
    ]


class ScreenThresholds(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("min_failed_trials", ctypes.c_int32),
        ("max_systolic_mmhg", ctypes.c_int32),
        ("max_diastolic_mmhg", ctypes.c_int32),
        ("max_heart_rate_bpm", ctypes.c_int32),
    ]


class ScreenFinding(ctypes.Structure):
    _fields_ = [
        ("code", _enum),
        ("value", ctypes.c_int32),
        ("limit", ctypes.c_int32),
    ]


class Screen(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("n_findings", ctypes.c_int32),
        ("findings", ScreenFinding * 12),
    ]


# --- Research simulation ---------------------------------------------------
class PhiloxBlock(ctypes.Structure):
    _fields_ = [("v", ctypes.c_uint32 * 4)]


class PKModelC(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("compartments", ctypes.c_int32),
        ("v1_l_per_kg", ctypes.c_double),
        ("k10", ctypes.c_double),
        ("k12", ctypes.c_double),
        ("k13", ctypes.c_double),
        ("k21", ctypes.c_double),
        ("k31", ctypes.c_double),
    ]


class PKSystemC(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("modes", ctypes.c_int32),
        ("weight_kg", ctypes.c_double),
        ("v1_l", ctypes.c_double),
        ("cl_l_per_min", ctypes.c_double),
        ("lambda_per_min", ctypes.c_double * PK_MAX_MODES),
        ("gain_ng_per_ml_per_mg", ctypes.c_double * PK_MAX_MODES),
    ]


class PKInfusionC(ctypes.Structure):
    _fields_ = [
        ("start_min", ctypes.c_double),
        ("duration_min", ctypes.c_double),
        ("dose_mg", ctypes.c_double),
    ]


class PKSummaryC(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("cmax_ng_per_ml", ctypes.c_double),
        ("tmax_min", ctypes.c_double),
        ("auc_ng_h_per_ml", ctypes.c_double),
        ("auc_inf_ng_h_per_ml", ctypes.c_double),
        ("time_above_min", ctypes.c_double),
        ("c_until_ng_per_ml", ctypes.c_double),
    ]


class PKPopulationC(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("model", PKModelC),
        ("variability_cv", ctypes.c_double),
        ("weight_median_kg", ctypes.c_double),
        ("weight_cv", ctypes.c_double),
        ("seed", ctypes.c_uint64),
    ]


class CohortModelC(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("responsive_fraction", ctypes.c_double),
        ("p_remit_first", ctypes.c_double),
        ("p_respond_first", ctypes.c_double),
        ("p_remit_next", ctypes.c_double),
        ("p_respond_next", ctypes.c_double),
        ("p_remit_after_response", ctypes.c_double),
        ("relapse_28d", ctypes.c_double),
    ]


class CohortOptionsC(ctypes.Structure):
    _fields_ = [
        ("struct_size", ctypes.c_uint32),
        ("horizon_months", ctypes.c_int32),
        ("model", CohortModelC),
        ("seed", ctypes.c_uint64),
        ("first_patient", ctypes.c_uint64),
        ("n_patients", ctypes.c_uint64),
        ("futility_after", ctypes.c_int32),
        ("dose_ug_per_kg", ctypes.c_int32),
        ("duration_min", ctypes.c_int32),
        ("observation_min", ctypes.c_int32),
        ("weight_median_kg", ctypes.c_double),
        ("weight_cv", ctypes.c_double),
    ]


# The int64 counts of infuse_cohort_counts_t, in the header's order.
COHORT_COUNT_FIELDS = (
    "patient_days", "responsive", "response_at_1", "response_by_3",
    "remission_by_3_after_response_at_1", "no_response_at_1",
    "remission_by_3_after_no_response_at_1", "no_response_by_2",
    "remission_after_no_response_by_2", "responders", "remitters",
    "futility_stops", "relapse_28d_untreated", "relapses", "infusions",
    "induction_infusions", "maintenance_infusions", "drug_ug",
    "chair_minutes",
)


class CohortCountsC(ctypes.Structure):
    _fields_ = (
        [("struct_size", ctypes.c_uint32),
         ("fingerprint", ctypes.c_uint64),
         ("first_patient", ctypes.c_uint64),
         ("patients", ctypes.c_uint64)]
        + [(name, ctypes.c_int64) for name in COHORT_COUNT_FIELDS]
        + [("first_response", ctypes.c_int64 * COHORT_INFUSIONS),
           ("relapse_week", ctypes.c_int64 * COHORT_WEEKS)])


COHORT_RATE_FIELDS = (
    "response_by_infusion_3", "remission_by_3_given_response_at_1",
    "remission_by_3_given_no_response_at_1",
    "remission_given_no_response_by_2",
    "relapse_within_28d_without_maintenance", "response_end_of_induction",
    "remission_end_of_induction", "relapse_in_horizon",
    "infusions_per_patient_year", "drug_mg_per_patient_year",
    "chair_hours_per_patient_year",
)


class CohortRatesC(ctypes.Structure):
    _fields_ = ([("struct_size", ctypes.c_uint32)]
                + [(name, ctypes.c_double) for name in COHORT_RATE_FIELDS])


# Every mirrored struct under its C name (tests compare the sizes).
STRUCTS = {
    "infuse_diag_t": Diag,
    "infuse_quantity_t": Quantity,
    "infuse_limit_t": Limit,
    "infuse_protocol_t": Protocol,
    "infuse_request_t": Request,
    "infuse_finding_t": Finding,
    "infuse_operand_t": Operand,
    "infuse_step_t": Step,
    "infuse_result_t": Result,
    "infuse_taper_step_t": TaperStep,
    "infuse_course_options_t": CourseOptions,
    "infuse_session_t": Session,
    "infuse_course_export_t": CourseExport,
    "infuse_review_options_t": ReviewOptions,
    "infuse_review_point_t": ReviewPoint,
    "infuse_review_finding_t": ReviewFinding,
    "infuse_review_t": Review,
    "infuse_exposure_event_t": ExposureEvent,
    "infuse_exposure_options_t": ExposureOptions,
    "infuse_exposure_t": Exposure,
    "infuse_screen_input_t": ScreenInput,
    "infuse_screen_thresholds_t": ScreenThresholds,
    "infuse_screen_finding_t": ScreenFinding,
    "infuse_screen_t": Screen,
    "infuse_philox_block_t": PhiloxBlock,
    "infuse_pk_model_t": PKModelC,
    "infuse_pk_system_t": PKSystemC,
    "infuse_pk_infusion_t": PKInfusionC,
    "infuse_pk_summary_t": PKSummaryC,
    "infuse_pk_population_t": PKPopulationC,
    "infuse_cohort_model_t": CohortModelC,
    "infuse_cohort_options_t": CohortOptionsC,
    "infuse_cohort_counts_t": CohortCountsC,
    "infuse_cohort_rates_t": CohortRatesC,
}


def sized(cls):
    """A zeroed instance of a struct whose first field is struct_size, with
    struct_size set to its ctypes size (the library refuses other sizes)."""
    obj = cls()
    obj.struct_size = ctypes.sizeof(cls)
    return obj


# ---------------------------------------------------------------------------
# Function prototypes
# ---------------------------------------------------------------------------
_c_int = ctypes.c_int
_c_size = ctypes.c_size_t
_p = ctypes.POINTER
_cp = ctypes.c_char_p
_i32 = ctypes.c_int32
_i64 = ctypes.c_int64
_u32 = ctypes.c_uint32
_u64 = ctypes.c_uint64
_dbl = ctypes.c_double

# name: (restype, argtypes, required). Functions not marked required may be
# missing from an older or partial build; calling one then raises.
_PROTOTYPES = {
    "infuse_version": (_u32, [], True),
    "infuse_version_string": (_cp, [], True),
    "infuse_strerror": (_cp, [_c_int], True),
    "infuse_status_name": (_cp, [_c_int], True),
    "infuse_unit_symbol": (_cp, [_enum], True),
    "infuse_format": (_c_size, [_i64, _enum, ctypes.c_char_p, _c_size], True),
    "infuse_quantity_parse": (_c_int, [_cp, _u32, _cp, _p(Quantity), _p(Diag)],
                              True),
    "infuse_protocol_count": (_c_size, [], True),
    "infuse_protocol_at": (_c_int, [_c_size, _p(Protocol)], True),
    "infuse_protocol_get": (_c_int, [_cp, _p(Protocol), _p(Diag)], True),
    "infuse_request_init": (_c_int, [_p(Request), _p(Protocol)], True),
    "infuse_dose_compute": (_c_int, [_p(Request), _p(Result), _p(Diag)], True),
    "infuse_pump_compute": (_c_int, [_p(Request), _p(Result), _p(Diag)], True),
    "infuse_oral_compute": (_c_int, [_p(Request), _p(Result), _p(Diag)], True),
    "infuse_finding_name": (_cp, [_c_int], True),
    "infuse_severity_name": (_cp, [_c_int], True),
    "infuse_finding_message": (_c_size,
                               [_p(Finding), ctypes.c_char_p, _c_size], True),
    "infuse_step_name": (_cp, [_c_int], True),
    "infuse_step_formula": (_cp, [_c_int], True),
    "infuse_rounding_name": (_cp, [_c_int], True),
    "infuse_verdict_name": (_cp, [_c_int], True),
    "infuse_write_text": (_c_int, [_p(Result), ctypes.c_char_p, _c_size,
                                   _p(_c_size)], True),
    "infuse_write_json": (_c_int, [_p(Result), ctypes.c_char_p, _c_size,
                                   _p(_c_size)], True),
    "infuse_date_parse": (_c_int, [_cp, _cp, _p(_i32), _p(Diag)], True),
    "infuse_date_format": (_c_size, [_i32, ctypes.c_char_p, _c_size], True),
    "infuse_course_init": (_c_int, [_p(CourseOptions), _i32], True),
    "infuse_course_plan": (_c_int, [_p(CourseOptions), _p(Session), _c_size,
                                    _p(_c_size), _p(Diag)], True),
    "infuse_phase_name": (_cp, [_c_int], True),
    "infuse_course_write_json": (_c_int, [_p(CourseExport), ctypes.c_char_p,
                                          _c_size, _p(_c_size)], True),
    "infuse_course_write_csv": (_c_int, [_p(CourseExport), ctypes.c_char_p,
                                         _c_size, _p(_c_size)], True),
    "infuse_course_write_ics": (_c_int, [_p(CourseExport), ctypes.c_char_p,
                                         _c_size, _p(_c_size)], True),
    "infuse_course_write_fhir": (_c_int, [_p(CourseExport), ctypes.c_char_p,
                                          _c_size, _p(_c_size)], True),
    # Research simulation.
    "infuse_philox4x32": (PhiloxBlock, [_p(_u32), _p(_u32)], False),
    "infuse_sim_uniform": (_dbl, [_u64, _u64, _u32, _u32], False),
    "infuse_pk_model_count": (_c_size, [], False),
    "infuse_pk_model_name": (_cp, [_c_size], False),
    "infuse_pk_model_get": (_c_int, [_cp, _p(PKModelC), _p(Diag)], False),
    "infuse_pk_model_from_clearances": (
        _c_int, [_i32, _dbl, _dbl, _dbl, _dbl, _dbl, _dbl, _p(PKModelC),
                 _p(Diag)], False),
    "infuse_pk_model_validate": (_c_int, [_p(PKModelC), _p(Diag)], False),
    "infuse_pk_prepare": (_c_int, [_p(PKModelC), _dbl, _p(PKSystemC),
                                   _p(Diag)], False),
    "infuse_pk_curve": (_c_int, [_p(PKSystemC), _p(PKInfusionC), _c_size, _dbl,
                                 _dbl, _c_size, _p(_dbl), _p(Diag)], False),
    "infuse_pk_summarize": (_c_int, [_p(PKSystemC), _p(PKInfusionC), _c_size,
                                     _dbl, _dbl, _p(PKSummaryC), _p(Diag)],
                            False),
    "infuse_pk_patient": (_c_int, [_p(PKPopulationC), _u64, _p(PKModelC),
                                   _p(_dbl), _p(Diag)], False),
    "infuse_cohort_model_init": (_c_int, [_p(CohortModelC)], False),
    "infuse_cohort_init": (_c_int, [_p(CohortOptionsC), _u64, _u64], False),
    "infuse_cohort_run": (_c_int, [_p(CohortOptionsC), _p(Session), _c_size,
                                   _p(CohortCountsC), _p(Diag)], False),
    "infuse_cohort_merge": (_c_int, [_p(CohortCountsC), _p(CohortCountsC),
                                     _p(Diag)], False),
    "infuse_cohort_rates": (_c_int, [_p(CohortCountsC), _p(CohortRatesC)],
                            False),
}


# ---------------------------------------------------------------------------
# Errors
# ---------------------------------------------------------------------------
class LibraryError(OSError):
    """libinfuse could not be found or loaded, or is a version this module
    does not mirror."""


class InfuseError(Exception):
    """An error status from libinfuse (or a refusal by this module of the
    same kind), with the details of the library's infuse_diag_t.

    status   the negative status code (e.g. -4)
    name     its name without prefix (e.g. "E_NO_UNIT")
    field    the argument of the Python call it concerns (e.g. "weight"),
             or the library's field name when it has no Python equivalent
    value    the offending value as text
    message  one sentence: the field, the value and what is accepted
    c_field  the field name the library used (e.g. "weight_g")
    """

    def __init__(self, status, field, value, message, c_field=None):
        self.status = status
        self.field = field
        self.value = value
        self.message = message
        self.c_field = c_field if c_field is not None else field
        try:
            self.name = library().status_text(status)
        except LibraryError:
            self.name = str(status)
        super().__init__(status, field, value, message)

    def __str__(self):
        where = " (%s)" % self.field if self.field else ""
        return "%s%s [%s]" % (self.message, where, self.name)


def _text(b):
    return b.decode("utf-8", "replace") if b is not None else ""


def raise_diag(status, diag, field_map=None):
    """Raise InfuseError from a filled diag; field_map maps the library's
    field names to the Python argument names."""
    c_field = _text(diag.field)
    field = c_field
    if field_map:
        field = field_map.get(c_field, c_field)
    message = _text(diag.message) or library().error_text(status)
    raise InfuseError(status, field, _text(diag.value), message, c_field)


def refuse(status, field, value, message):
    """Raise InfuseError for input this module refuses before the call."""
    raise InfuseError(status, field, str(value), message)


# ---------------------------------------------------------------------------
# Loading
# ---------------------------------------------------------------------------
def _shared_names():
    if sys.platform == "darwin":
        return ["libinfuse.%d.dylib" % ABI_MAJOR, "libinfuse.dylib"]
    if sys.platform.startswith("win"):
        return ["infuse.dll", "libinfuse.dll"]
    return ["libinfuse.so.%d" % ABI_MAJOR, "libinfuse.so"]


def _candidates():
    """Where to look, in order, without an explicit path: INFUSE_LIBRARY,
    the system's library search (ctypes.util.find_library), then the build
    directory of a source checkout this package sits in (computed from this
    file's location: <checkout>/build)."""
    out = []
    env = os.environ.get("INFUSE_LIBRARY")
    if env:
        out.append(("INFUSE_LIBRARY", env))
    found = ctypes.util.find_library("infuse")
    if found:
        out.append(("ctypes.util.find_library", found))
    here = os.path.dirname(os.path.abspath(__file__))
    checkout = os.path.normpath(os.path.join(here, os.pardir, os.pardir,
                                             os.pardir))
    for name in _shared_names():
        out.append(("checkout build directory",
                    os.path.join(checkout, "build", name)))
    return out


class Library:
    """A loaded libinfuse with its prototypes set."""

    def __init__(self, path):
        try:
            self.dll = ctypes.CDLL(path)
        except OSError as e:
            raise LibraryError("cannot load libinfuse from %s: %s" % (path, e))
        self.path = path
        self.missing = []
        for name, (restype, argtypes, required) in _PROTOTYPES.items():
            try:
                fn = getattr(self.dll, name)
            except AttributeError:
                if required:
                    raise LibraryError("%s does not export %s; is it "
                                       "libinfuse?" % (path, name))
                self.missing.append(name)
                continue
            fn.restype = restype
            fn.argtypes = argtypes
            setattr(self, name[len("infuse_"):], fn)
        v = self.dll.infuse_version()
        self.version_tuple = ((v >> 16) & 0xFF, (v >> 8) & 0xFF, v & 0xFF)
        major, minor = self.version_tuple[0], self.version_tuple[1]
        if major != ABI_MAJOR or (ABI_MAJOR == 0 and minor != ABI_MINOR):
            want = ("%d.x" % ABI_MAJOR if ABI_MAJOR != 0 else
                    "%d.%d.x" % (ABI_MAJOR, ABI_MINOR))
            raise LibraryError(
                "%s is libinfuse %s; this module mirrors the structs of "
                "libinfuse %s" % (path, self.version_text(), want))

    def __getattr__(self, name):
        # Only reached for functions the library lacks.
        if "infuse_" + name in _PROTOTYPES:
            raise LibraryError("this libinfuse (%s) has no infuse_%s" %
                               (self.path, name))
        raise AttributeError(name)

    def version_text(self):
        return _text(self.dll.infuse_version_string())

    def error_text(self, status):
        return _text(self.dll.infuse_strerror(status))

    def status_text(self, status):
        return _text(self.dll.infuse_status_name(status))

    def text(self, fn, *args):
        """Call a function returning const char * and decode it."""
        return _text(fn(*args))


_lock = threading.Lock()
_library = None


def load(path=None):
    """Load libinfuse and make it the one this module uses.

    path: the shared library file (e.g. build/libinfuse.so.0). Without it:
    the environment variable INFUSE_LIBRARY, then ctypes.util.find_library
    ("infuse") (an installed library), then <checkout>/build next to this
    package in a source checkout. Returns the Library; raises LibraryError.
    """
    global _library
    with _lock:
        if path is not None:
            _library = Library(os.fspath(path))
            return _library
        tried = []
        for how, cand in _candidates():
            if how == "INFUSE_LIBRARY" and not os.path.exists(cand):
                raise LibraryError("INFUSE_LIBRARY is %s: no such file" % cand)
            if os.sep in cand and not os.path.exists(cand):
                tried.append("%s: %s (no such file)" % (how, cand))
                continue
            try:
                _library = Library(cand)
                return _library
            except LibraryError as e:
                if how == "INFUSE_LIBRARY":
                    raise
                tried.append("%s: %s" % (how, e))
        raise LibraryError(
            "libinfuse not found; pass its path to infuse.load(), or set "
            "INFUSE_LIBRARY. Tried:\n  " + "\n  ".join(tried or ["nothing"]))


def library():
    """The loaded Library, loading it on first use."""
    lib = _library
    if lib is None:
        lib = load()
    return lib
