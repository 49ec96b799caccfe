"""infuse: IV infusion doses, pump programs, courses and research
simulations, from Python, through libinfuse (ctypes, standard library only).

    import infuse
    infuse.load("build/libinfuse.so.0")      # or INFUSE_LIBRARY, or installed
    r = infuse.pump("70kg")                  # ketamine-trd-40 by default
    r.rate_ml_per_h, r.vtbi_ml, r.verdict    # 155.3, 103.5, 'ok'

Clinical part: pump(), dose(), write_json(), write_text(), course() and
the course exports. Research part: PKSystem, pk_curve(), pk_summary(),
PKPopulation, pk_patient(), cohort(), merge(). Errors raise InfuseError
(status, field, value, message); a limit stop is a result, not an error
(check result.ok). Decision support and research only: it never replaces
clinical judgement.
"""

from ._native import (InfuseError, LibraryError, load, library, STRUCTS,
                      OK, STOP_SOFT_LIMIT, STOP_HARD_LIMIT)
from .clinical import (Finding, TrailStep, DoseResult, Session, protocols,
                       pump, dose, write_json, write_text, course,
                       course_json, course_csv, course_ics, course_fhir,
                       date_to_day, day_to_date)
from .sim import (Infusion, Infusions, PKModel, PKSystem, PKSummary,
                  PKPopulation, pk_models, pk_model, pk_curve, pk_summary,
                  pk_patient, course_infusions, uniform, Cohort, cohort,
                  cohort_defaults, merge)

__version__ = "0.1.0"


def version():
    """The linked library's version string, e.g. "0.1.0"."""
    return library().version_text()


__all__ = [
    "InfuseError", "LibraryError", "load", "library", "version", "STRUCTS",
    "OK", "STOP_SOFT_LIMIT", "STOP_HARD_LIMIT",
    "Finding", "TrailStep", "DoseResult", "Session", "protocols", "pump",
    "dose", "write_json", "write_text", "course", "course_json",
    "course_csv", "course_ics", "course_fhir", "date_to_day", "day_to_date",
    "Infusion", "Infusions", "PKModel", "PKSystem", "PKSummary",
    "PKPopulation", "pk_models", "pk_model", "pk_curve", "pk_summary",
    "pk_patient", "course_infusions", "uniform", "Cohort", "cohort",
    "cohort_defaults", "merge",
]
