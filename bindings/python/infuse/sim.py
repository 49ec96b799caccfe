"""Research simulation: pharmacokinetic curves and summaries, virtual
patients, cohort Monte Carlo. Floating point, for research only: nothing
here is a dosing instruction.

Times are minutes from the start of the first infusion, doses mg, weights
kg, concentrations ng/mL (the units of infuse.h's simulation section).
"""

import array
import ctypes
import dataclasses
import math
from collections import namedtuple

from . import _native as N
from ._native import library
from .clinical import _call, course as _course, _c_sessions

__all__ = [
    "Infusion", "Infusions", "PKModel", "PKSystem", "PKSummary",
    "PKPopulation", "pk_models", "pk_model", "pk_curve", "pk_summary",
    "pk_patient", "course_infusions", "uniform", "Cohort", "cohort",
    "cohort_defaults", "merge",
]

Infusion = namedtuple("Infusion", "start_min duration_min dose_mg")
Infusion.__doc__ = ("One constant-rate infusion (minutes, minutes, mg); "
                    "duration 0 is a bolus.")


class Infusions:
    """A prepared list of infusions (the C array is built once), for
    repeated curve and summary calls with the same regimen. Any function
    that takes infusions also takes a plain sequence of Infusion or
    (start_min, duration_min, dose_mg) tuples."""

    def __init__(self, items):
        items = [Infusion(*map(float, it)) for it in items]
        self.items = tuple(items)
        self.c = (N.PKInfusionC * max(1, len(items)))()
        for i, it in enumerate(items):
            self.c[i].start_min = it.start_min
            self.c[i].duration_min = it.duration_min
            self.c[i].dose_mg = it.dose_mg
        self.n = len(items)

    def __len__(self):
        return self.n

    def __iter__(self):
        return iter(self.items)

    @property
    def end_min(self):
        """The end of the last infusion."""
        return max((i.start_min + i.duration_min for i in self.items),
                   default=0.0)


def _infusions(x):
    return x if isinstance(x, Infusions) else Infusions(x)


def course_infusions(dose_mg, duration_min, starts_min):
    """Infusions of dose_mg over duration_min starting at each of
    starts_min (minutes), as an Infusions."""
    return Infusions([(s, duration_min, dose_mg) for s in starts_min])


@dataclasses.dataclass(frozen=True)
class PKModel:
    """A linear mammillary model (infuse_pk_model_t): rate constants per
    minute, central volume in L/kg. Unused constants are 0."""
    compartments: int
    v1_l_per_kg: float
    k10: float
    k12: float = 0.0
    k13: float = 0.0
    k21: float = 0.0
    k31: float = 0.0

    def to_c(self):
        m = N.sized(N.PKModelC)
        m.compartments = self.compartments
        for f in ("v1_l_per_kg", "k10", "k12", "k13", "k21", "k31"):
            setattr(m, f, float(getattr(self, f)))
        return m

    @classmethod
    def from_c(cls, m):
        return cls(m.compartments, m.v1_l_per_kg, m.k10, m.k12, m.k13,
                   m.k21, m.k31)

    @classmethod
    def builtin(cls, name):
        """A built-in set: "domino" or "clements" (see pk_models())."""
        m = N.sized(N.PKModelC)
        _call(library().pk_model_get, name.encode("utf-8"), ctypes.byref(m))
        return cls.from_c(m)

    @classmethod
    def from_clearances(cls, compartments, v1_l_per_kg, cl_l_per_min_per_kg,
                        v2_l_per_kg=0.0, q2_l_per_min_per_kg=0.0,
                        v3_l_per_kg=0.0, q3_l_per_min_per_kg=0.0):
        """From per-kg volumes (L/kg) and clearances (L/min/kg)."""
        m = N.sized(N.PKModelC)
        _call(library().pk_model_from_clearances, compartments,
              float(v1_l_per_kg), float(v2_l_per_kg), float(v3_l_per_kg),
              float(cl_l_per_min_per_kg), float(q2_l_per_min_per_kg),
              float(q3_l_per_min_per_kg), ctypes.byref(m))
        return cls.from_c(m)

    def validate(self):
        """Raise InfuseError if the library refuses the model."""
        _call(library().pk_model_validate, ctypes.byref(self.to_c()))
        return self


def pk_models():
    """Names of the built-in parameter sets."""
    lib = library()
    return [lib.text(lib.pk_model_name, i)
            for i in range(lib.pk_model_count())]


def pk_model(model):
    """A PKModel from a name, a PKModel, or a dict of its fields."""
    if isinstance(model, PKModel):
        return model
    if isinstance(model, str):
        return PKModel.builtin(model)
    if isinstance(model, dict):
        return PKModel(**model)
    raise TypeError("model: a name, a PKModel or a dict, not %r" % (model,))


@dataclasses.dataclass(frozen=True)
class PKSummary:
    """infuse_pk_summary_t: Cmax and Tmax, AUC over [0, until] and to
    infinity, time above the threshold, the concentration at `until`."""
    cmax_ng_per_ml: float
    tmax_min: float
    auc_ng_h_per_ml: float
    auc_inf_ng_h_per_ml: float
    time_above_min: float
    c_until_ng_per_ml: float

    @classmethod
    def from_c(cls, s):
        return cls(s.cmax_ng_per_ml, s.tmax_min, s.auc_ng_h_per_ml,
                   s.auc_inf_ng_h_per_ml, s.time_above_min,
                   s.c_until_ng_per_ml)


class PKSystem:
    """A model prepared for one patient's weight (infuse_pk_prepare):
    c(t) = sum of independent exponential modes.

    PKSystem("domino", 70) or PKSystem(PKModel(...), weight_kg=70).
    Attributes: model, weight_kg, modes, v1_l, cl_l_per_min, lambdas
    (per minute, ascending), gains (ng/mL per mg, bolus response at 0).
    """

    def __init__(self, model="domino", weight_kg=70.0):
        self.model = pk_model(model)
        self._model_c = self.model.to_c()
        self.c = N.sized(N.PKSystemC)
        _call(library().pk_prepare, ctypes.byref(self._model_c),
              float(weight_kg), ctypes.byref(self.c))
        self.weight_kg = self.c.weight_kg
        self.modes = self.c.modes
        self.v1_l = self.c.v1_l
        self.cl_l_per_min = self.c.cl_l_per_min
        self.lambdas = tuple(self.c.lambda_per_min[i]
                             for i in range(self.modes))
        self.gains = tuple(self.c.gain_ng_per_ml_per_mg[i]
                           for i in range(self.modes))

    def curve(self, infusions, t0_min=0.0, step_min=1.0, n=None,
              until_min=None):
        """Central concentrations (ng/mL) at t0 + k x step, k = 0..n-1, as
        an array.array('d'). Give n, or until_min (then n covers
        [t0, until] inclusive when until falls on the grid)."""
        inf = _infusions(infusions)
        if n is None:
            if until_min is None:
                raise TypeError("curve: give n or until_min")
            n = int(math.floor((until_min - t0_min) / step_min + 1e-9)) + 1
            n = max(n, 0)
        out = array.array("d", bytes(8 * n))
        if n:
            addr, _ = out.buffer_info()
            ptr = ctypes.cast(addr, ctypes.POINTER(ctypes.c_double))
        else:
            ptr = None
        _call(library().pk_curve, ctypes.byref(self.c), inf.c, inf.n,
              float(t0_min), float(step_min), n, ptr)
        return out

    def summary(self, infusions, until_min=None, threshold_ng_per_ml=100.0):
        """Cmax, Tmax, AUC and time above the threshold over [0, until]
        (default: the end of the last infusion + 24 h), solved exactly
        between events, without a grid."""
        inf = _infusions(infusions)
        if until_min is None:
            until_min = inf.end_min + 24 * 60
        s = N.sized(N.PKSummaryC)
        _call(library().pk_summarize, ctypes.byref(self.c), inf.c, inf.n,
              float(until_min), float(threshold_ng_per_ml), ctypes.byref(s))
        return PKSummary.from_c(s)


def _regimen(infusions, weight_kg, dose_mg_per_kg, duration_min, sessions,
             every_min, starts_min):
    if infusions is not None:
        return _infusions(infusions)
    if starts_min is None:
        starts_min = [k * every_min for k in range(sessions)]
    return course_infusions(dose_mg_per_kg * weight_kg, duration_min,
                            starts_min)


def pk_curve(model="domino", weight_kg=70.0, dose_mg_per_kg=0.5,
             duration_min=40.0, sessions=1, every_min=2 * 24 * 60,
             starts_min=None, step_min=1.0, until_min=None, infusions=None,
             t0_min=0.0):
    """A concentration curve for a regimen: returns (times_min, conc_ng_per_ml)
    as two array.array('d').

    The regimen is `infusions` when given, else `sessions` infusions of
    dose_mg_per_kg x weight over duration_min, `every_min` apart (or at
    `starts_min`). The grid runs from t0 to until_min (default: the last
    infusion's end + 24 h) every step_min.
    """
    inf = _regimen(infusions, weight_kg, dose_mg_per_kg, duration_min,
                   sessions, every_min, starts_min)
    if until_min is None:
        until_min = inf.end_min + 24 * 60
    sys_ = PKSystem(model, weight_kg)
    conc = sys_.curve(inf, t0_min, step_min, until_min=until_min)
    times = array.array("d", (t0_min + k * step_min for k in range(len(conc))))
    return times, conc


def pk_summary(model="domino", weight_kg=70.0, dose_mg_per_kg=0.5,
               duration_min=40.0, sessions=1, every_min=2 * 24 * 60,
               starts_min=None, until_min=None, threshold_ng_per_ml=100.0,
               infusions=None):
    """PKSummary for a regimen (see pk_curve for the regimen arguments)."""
    inf = _regimen(infusions, weight_kg, dose_mg_per_kg, duration_min,
                   sessions, every_min, starts_min)
    return PKSystem(model, weight_kg).summary(inf, until_min,
                                              threshold_ng_per_ml)


@dataclasses.dataclass
class PKPopulation:
    """Virtual patients (infuse_pk_population_t): the typical model, the
    between-subject CV on V1 and every rate constant (0.3 = 30%), weight
    log-normal around the median with its CV, and the seed. Patient i is a
    pure function of (population, i)."""
    model: object = "domino"
    variability_cv: float = 0.3
    weight_median_kg: float = 80.0
    weight_cv: float = 0.2
    seed: int = 1

    def to_c(self):
        p = N.sized(N.PKPopulationC)
        p.model = pk_model(self.model).to_c()
        p.variability_cv = float(self.variability_cv)
        p.weight_median_kg = float(self.weight_median_kg)
        p.weight_cv = float(self.weight_cv)
        p.seed = int(self.seed)
        return p

    def patient(self, index):
        """(PKModel, weight_kg) of patient `index`."""
        return pk_patient(self, index)

    def summaries(self, infusions, n, first=0, until_min=None,
                  threshold_ng_per_ml=100.0, dose_mg_per_kg=None):
        """[(weight_kg, PKSummary)] of patients first .. first + n - 1.

        infusions gives the regimen (starts, durations, doses in mg). With
        dose_mg_per_kg every dose is replaced by dose_mg_per_kg x that
        patient's weight (weight-based dosing, as in the clinic); without
        it every patient gets the doses as given. until_min defaults to
        the end of the last infusion + 24 h.
        """
        lib = library()
        pop = self.to_c()
        inf = _infusions(infusions)
        if until_min is None:
            until_min = inf.end_min + 24 * 60
        model = N.sized(N.PKModelC)
        weight = ctypes.c_double(0.0)
        sys_ = N.sized(N.PKSystemC)
        s = N.sized(N.PKSummaryC)
        out = []
        for i in range(first, first + n):
            _call(lib.pk_patient, ctypes.byref(pop), i, ctypes.byref(model),
                  ctypes.byref(weight))
            _call(lib.pk_prepare, ctypes.byref(model), weight.value,
                  ctypes.byref(sys_))
            if dose_mg_per_kg is not None:
                for k in range(inf.n):
                    inf.c[k].dose_mg = dose_mg_per_kg * weight.value
            _call(lib.pk_summarize, ctypes.byref(sys_), inf.c, inf.n,
                  float(until_min), float(threshold_ng_per_ml),
                  ctypes.byref(s))
            out.append((weight.value, PKSummary.from_c(s)))
        return out


def pk_patient(population, index):
    """(PKModel, weight_kg) of virtual patient `index` of a PKPopulation."""
    pop = population.to_c() if isinstance(population, PKPopulation) \
        else population
    model = N.sized(N.PKModelC)
    weight = ctypes.c_double(0.0)
    _call(library().pk_patient, ctypes.byref(pop), int(index),
          ctypes.byref(model), ctypes.byref(weight))
    return PKModel.from_c(model), weight.value


def uniform(seed, patient, stream, draw):
    """infuse_sim_uniform: the uniform [0, 1) double of draw `draw` of
    stream `stream` for `patient` under `seed`."""
    return library().sim_uniform(seed, patient, stream, draw)


# ---------------------------------------------------------------------------
# Cohorts
# ---------------------------------------------------------------------------
_MODEL_FIELDS = [f for f, _ in N.CohortModelC._fields_ if f != "struct_size"]
_OPTION_FIELDS = ["futility_after", "dose_ug_per_kg", "duration_min",
                  "observation_min", "weight_median_kg", "weight_cv"]
_DEFAULT_FIELDS = ["horizon_months"] + _OPTION_FIELDS


def cohort_defaults():
    """The library's defaults: {"model": {...}, "options": {...}}."""
    opt = N.sized(N.CohortOptionsC)
    st = library().cohort_init(ctypes.byref(opt), 0, 1)
    if st != N.OK:
        raise N.InfuseError(st, "", "", library().error_text(st))
    return {"model": {f: getattr(opt.model, f) for f in _MODEL_FIELDS},
            "options": {f: getattr(opt, f) for f in _DEFAULT_FIELDS}}


def _counts_dict(c):
    d = {"fingerprint": c.fingerprint, "first_patient": c.first_patient,
         "patients": c.patients}
    for f in N.COHORT_COUNT_FIELDS:
        d[f] = getattr(c, f)
    d["first_response"] = list(c.first_response)
    d["relapse_week"] = list(c.relapse_week)
    return d


def _counts_c(d):
    c = N.sized(N.CohortCountsC)
    c.fingerprint = d["fingerprint"]
    c.first_patient = d["first_patient"]
    c.patients = d["patients"]
    for f in N.COHORT_COUNT_FIELDS:
        setattr(c, f, d[f])
    fr, rw = d["first_response"], d["relapse_week"]
    if len(fr) != N.COHORT_INFUSIONS or len(rw) != N.COHORT_WEEKS:
        N.refuse(N.E_INVALID, "counts", "",
                 "counts: first_response needs %d values and relapse_week %d"
                 % (N.COHORT_INFUSIONS, N.COHORT_WEEKS))
    for i, v in enumerate(fr):
        c.first_response[i] = v
    for i, v in enumerate(rw):
        c.relapse_week[i] = v
    return c


def _rates(c):
    r = N.sized(N.CohortRatesC)
    st = library().cohort_rates(ctypes.byref(c), ctypes.byref(r))
    if st != N.OK:
        raise N.InfuseError(st, "", "", library().error_text(st))
    return {f: getattr(r, f) for f in N.COHORT_RATE_FIELDS}


class Cohort:
    """Counts of a cohort run (or of merged shards) and the rates from
    them. counts: a dict of integers (JSON-serialisable, the exact sums
    that merge() adds); rates: a dict of floats (NaN where a denominator
    is 0)."""

    def __init__(self, c):
        self._c = c
        self.counts = _counts_dict(c)
        self.rates = _rates(c)

    @property
    def patients(self):
        return self.counts["patients"]

    @property
    def first_patient(self):
        return self.counts["first_patient"]

    @property
    def patient_years(self):
        return self.counts["patient_days"] / 365.25

    def __repr__(self):
        return "Cohort(patients %d from %d, fingerprint %016x)" % (
            self.patients, self.first_patient, self.counts["fingerprint"])


def cohort(patients=10000, seed=1, *, shard=None, first_patient=0,
           sessions=None, start="2026-01-05", months=12, maintenance=None,
           induction=None, per_week=None, **params):
    """Simulate a cohort (infuse_cohort_run) over a course plan.

    patients       cohort size (all shards together when shard is given)
    seed           the random seed; patient i is the same in any split
    shard          (k, n): run only shard k of n (k = 0..n-1): patients
                   [k*patients//n, (k+1)*patients//n); merge() the shards
    first_patient  the first patient index when shard is None
    months         follow-up in calendar months from the first session
                   (the cohort's horizon_months), and the horizon of the
                   course planned here (default 12)
    sessions       a planned course (list of Session from course()); else
                   one is planned from start, months, maintenance,
                   induction, per_week. With sessions, give the months of
                   their plan: a session on or after the end of follow-up
                   is an error (E_INVALID)
    params         model parameters (responsive_fraction, p_remit_first,
                   p_respond_first, p_remit_next, p_respond_next,
                   p_remit_after_response, relapse_28d) and options
                   (futility_after, dose_ug_per_kg, duration_min,
                   observation_min, weight_median_kg, weight_cv); the
                   library's defaults otherwise (cohort_defaults())

    Returns a Cohort; raises InfuseError for invalid parameters.
    """
    lib = library()
    for k in params:
        if k not in _MODEL_FIELDS and k not in _OPTION_FIELDS:
            raise TypeError("cohort() got an unexpected keyword argument %r"
                            % k)
    if shard is not None:
        k, n = shard
        if not (isinstance(n, int) and n >= 1 and isinstance(k, int)
                and 0 <= k < n):
            N.refuse(N.E_RANGE, "shard", shard,
                     "shard: (k, n) with n >= 1 and 0 <= k < n")
        lo, hi = k * patients // n, (k + 1) * patients // n
        first, count = lo, hi - lo
    else:
        first, count = first_patient, patients
    if sessions is None:
        sessions = _course(start, induction, per_week, maintenance, months)
    arr = sessions if isinstance(sessions, ctypes.Array) \
        else _c_sessions(list(sessions))
    opt = N.sized(N.CohortOptionsC)
    st = lib.cohort_init(ctypes.byref(opt), int(seed), 1)
    if st != N.OK:
        raise N.InfuseError(st, "", "", lib.error_text(st))
    opt.first_patient = int(first)
    opt.n_patients = int(count)
    if isinstance(months, bool) or not isinstance(months, int) \
            or not -2**31 <= months < 2**31:
        N.refuse(N.E_RANGE, "months", months,
                 "months: a whole number of calendar months is needed")
    opt.horizon_months = months
    for key, value in params.items():
        if key in _MODEL_FIELDS:
            setattr(opt.model, key, float(value))
        elif key in ("weight_median_kg", "weight_cv"):
            setattr(opt, key, float(value))
        else:
            if isinstance(value, bool) or not isinstance(value, int) \
                    or not -2**31 <= value < 2**31:
                N.refuse(N.E_RANGE, key, value,
                         "%s: a whole number is needed" % key)
            setattr(opt, key, value)
    counts = N.sized(N.CohortCountsC)
    _call(lib.cohort_run, ctypes.byref(opt), arr, len(arr),
          ctypes.byref(counts))
    return Cohort(counts)


def merge(parts):
    """Merge the counts of shards (Cohort objects or their counts dicts) of
    one cohort, in any order: the patient ranges must tile one range and
    the fingerprints must match (InfuseError E_CONFLICT otherwise). The
    sums are exact: the result equals the unsharded run."""
    dicts = [p.counts if isinstance(p, Cohort) else p for p in parts]
    if not dicts:
        N.refuse(N.E_INVALID, "parts", "[]", "merge: no parts given")
    dicts.sort(key=lambda d: d["first_patient"])
    total = N.sized(N.CohortCountsC)
    lib = library()
    for d in dicts:
        part = _counts_c(d)
        _call(lib.cohort_merge, ctypes.byref(total), ctypes.byref(part))
    return Cohort(total)
