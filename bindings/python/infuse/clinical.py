"""Doses, pump programs and courses: the clinical half of libinfuse.

Every quantity is text with its unit ("70kg", "0.5mg/kg", "40min"), parsed
by the library exactly as the command-line programs parse it; a bare number
is refused (InfuseError, status E_NO_UNIT). Results carry the library's
integer fields unchanged (`raw`) and, for reading, the same values in the
display units of the JSON contract (docs/json.md) as floats.
"""

import ctypes
import dataclasses
import datetime as _dt
from fractions import Fraction
from typing import Optional, Tuple

from . import _native as N
from ._native import InfuseError, library

__all__ = [
    "Finding", "TrailStep", "DoseResult", "Session", "protocols", "pump",
    "dose", "write_json", "write_text", "course", "course_json",
    "course_csv", "course_ics", "course_fhir", "date_to_day", "day_to_date",
]

# The library's request field names -> the keyword arguments here.
_REQUEST_FIELDS = {
    "weight_g": "weight", "weight_entered": "weight",
    "height_mm": "height", "height_entered": "height",
    "sex": "sex", "weight_basis": "weight_basis",
    "dose_ug_per_kg": "dose", "dose_ug": "dose", "dose_mode": "dose",
    "duration_s": "duration", "vial_ug_per_ml": "vial", "bag_ul": "bag",
    "final_conc_ug_per_ml": "final_conc", "volume_step_ul": "volume_step",
    "rate_step_ul_per_h": "rate_step", "prep": "prep",
    "acknowledge": "acknowledge", "protocol": "protocol",
}

_COURSE_FIELDS = {
    "course.start": "start", "course.induction_count": "induction",
    "course.per_week": "per_week", "course.min_interval_days": "min_interval",
    "course.horizon_months": "months", "course.clinic_days": "clinic_days",
    "course.closed": "closed", "course.n_closed": "closed",
    "course.n_taper_steps": "taper", "course.taper.interval_days": "taper",
    "course.taper.count": "taper", "course.maintenance": "maintenance",
}

_EPOCH_ORDINAL = _dt.date(1970, 1, 1).toordinal()


def date_to_day(d):
    """A datetime.date as the library's day number (days since 1970-01-01)."""
    return d.toordinal() - _EPOCH_ORDINAL


def day_to_date(day):
    """The library's day number as a datetime.date."""
    return _dt.date.fromordinal(day + _EPOCH_ORDINAL)


def _enc(s):
    return s.encode("utf-8")


def _call(fn, *args, field_map=None):
    """Call a library function whose last argument is an infuse_diag_t *;
    raise InfuseError on an error status, return the status otherwise."""
    diag = N.Diag()
    st = fn(*args, ctypes.byref(diag))
    if st < 0:
        N.raise_diag(st, diag, field_map)
    return st


def _quantity(text, field, dims):
    """Parse one quantity as the CLIs do: text with a unit, any of dims."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        N.refuse(N.E_SYNTAX, field, text,
                 "%s: %r is not a quantity; give text with a unit, e.g. "
                 "'70kg'" % (field, text))
    q = N.Quantity()
    mask = 0
    for d in dims:
        mask |= N.dim_bit(d)
    _call(library().quantity_parse, _enc(str(text)), mask, _enc(field),
          ctypes.byref(q))
    return q


def _choice(value, field, names):
    if value not in names:
        N.refuse(N.E_INVALID, field, value,
                 "%s: %r is not accepted; accepted: %s" %
                 (field, value, ", ".join(names)))
    return names[value]


def _acknowledge(value):
    if value is None or value is False:
        return 0
    if value is True or value == "all":
        return N.ACK_ALL
    items = value.split(",") if isinstance(value, str) else list(value)
    bits = 0
    for item in items:
        if item == "all":
            bits |= N.ACK_ALL
        elif item in N.ACK:
            bits |= N.ACK[item]
        else:
            N.refuse(N.E_INVALID, "acknowledge", item,
                     "acknowledge: %r is not a limit; accepted: all, %s" %
                     (item, ", ".join(N.ACK)))
    return bits


# ---------------------------------------------------------------------------
# Results
# ---------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Finding:
    """One limit finding or pharmacist remark."""
    code: str             # e.g. "dose_per_kg_soft_high"
    severity: str         # "advisory", "soft" or "hard"
    message: str          # one English sentence
    acknowledged: bool
    value: int            # the value checked, in `unit`
    limit: int            # the bound it crossed (0 for remarks)
    unit: str             # unit symbol of value and limit, e.g. "ng/kg"
    code_id: int          # the pinned numeric code


@dataclasses.dataclass(frozen=True)
class TrailStep:
    """One step of the calculation; numbers in the integer unit `unit`."""
    name: str                       # e.g. "rate"
    formula: str
    operands: Tuple[Tuple[int, str], ...]   # (value, unit symbol)
    unit: str
    exact: Fraction                 # the exact result before rounding
    value: int                      # the result used from here on
    rounded: bool
    rounding: Optional[str]         # "nearest", "down", "up" or None
    round_step: int                 # 0: no rounding point at this step


_INT_FIELDS = [name for name, typ in N.Result._fields_
               if typ is ctypes.c_int64]


def _none0(value, scale):
    return None if value == 0 else value / scale


@dataclasses.dataclass(frozen=True)
class DoseResult:
    """The result of pump() or dose(): the fields of the JSON contract
    (docs/json.md) in its display units, plus `raw`, the library's integer
    fields by their C names (weight_g, dose_ng, rate_ul_per_h, ...).

    status is 0 (OK), 1 (a soft limit not acknowledged) or 2 (a hard
    limit); verdict says the same as text. A result with a limit stop is
    returned, not raised, so that it can be shown and logged, exactly as
    the programs print it and exit with status 3: check `ok` before use.
    Pump fields are None when has_pump is False (dose() results).
    """
    status: int
    verdict: str
    protocol: str
    protocol_version: str
    has_pump: bool
    actual_weight_kg: float
    height_cm: Optional[float]
    bmi: Optional[float]
    ideal_weight_kg: Optional[float]
    adjusted_weight_kg: Optional[float]
    weight_basis: str
    dosing_weight_kg: float
    dose_mode: str
    dose_mg_per_kg: float
    dose_mg: float
    vial_mg_per_ml: Optional[float]
    volume_step_ml: Optional[float]
    drug_volume_ml: Optional[float]
    vials: Optional[int]
    delivered_dose_mg: Optional[float]
    dose_deviation_percent: Optional[float]
    prep: Optional[str]
    diluent_ml: Optional[float]
    total_volume_ml: Optional[float]
    final_concentration_mg_per_ml: Optional[float]
    duration_min: Optional[float]
    rate_step_ml_per_h: Optional[float]
    rate_ml_per_h: Optional[float]
    actual_duration_min: Optional[float]
    vtbi_ml: Optional[float]
    dose_rate_mg_per_kg_per_h: Optional[float]
    findings: Tuple[Finding, ...]
    trail: Tuple[TrailStep, ...]
    raw: dict = dataclasses.field(repr=False)
    _c: object = dataclasses.field(repr=False, compare=False)

    @property
    def ok(self):
        """True when no limit stops the calculation."""
        return self.status == N.OK

    def step(self, name):
        """The trail step with this name (e.g. "rate"); KeyError if none."""
        for s in self.trail:
            if s.name == name:
                return s
        raise KeyError(name)

    def to_dict(self):
        """The display fields as a plain dict (findings and trail as dicts,
        exact values as strings), without the C struct."""
        d = {}
        for f in dataclasses.fields(self):
            if f.name == "_c":
                continue
            v = getattr(self, f.name)
            if f.name in ("findings", "trail"):
                v = [dataclasses.asdict(x) for x in v]
                for x in v:
                    if "exact" in x:
                        x["exact"] = str(x["exact"])
            d[f.name] = v
        return d


_BASIS = ("actual", "ideal", "adjusted")
_PREP = ("add", "replace", "final_conc", "syringe")


def _finding(lib, f):
    buf = ctypes.create_string_buffer(512)
    lib.finding_message(ctypes.byref(f), buf, len(buf))
    return Finding(
        code=lib.text(lib.finding_name, f.code),
        severity=lib.text(lib.severity_name, f.severity),
        message=buf.value.decode("utf-8", "replace"),
        acknowledged=bool(f.acknowledged),
        value=f.value, limit=f.limit,
        unit=lib.text(lib.unit_symbol, f.unit),
        code_id=f.code)


def _step(lib, s):
    ops = tuple((s.operands[i].value, lib.text(lib.unit_symbol,
                                               s.operands[i].unit))
                for i in range(max(0, min(s.n_operands, N.STEP_MAX_OPERANDS))))
    return TrailStep(
        name=lib.text(lib.step_name, s.kind),
        formula=lib.text(lib.step_formula, s.kind),
        operands=ops,
        unit=lib.text(lib.unit_symbol, s.unit),
        exact=Fraction(s.exact_num, s.exact_den) if s.exact_den > 0
        else Fraction(s.value),
        value=s.value, rounded=bool(s.rounded),
        rounding=(lib.text(lib.rounding_name, s.rounding)
                  if s.round_step > 0 else None),
        round_step=s.round_step)


def _result(lib, st, r):
    pump_ = bool(r.has_pump)
    has_volume = pump_ or r.drug_volume_ul != 0

    def p(value, scale):
        return value / scale if pump_ else None

    def v(value, scale):
        return value / scale if has_volume else None

    return DoseResult(
        status=st,
        verdict=lib.text(lib.verdict_name, r.verdict),
        protocol=N._text(r.protocol_id),
        protocol_version=N._text(r.protocol_version),
        has_pump=pump_,
        actual_weight_kg=r.actual_weight_g / 1000,
        height_cm=_none0(r.height_mm, 10),
        bmi=_none0(r.bmi_centi, 100),
        ideal_weight_kg=_none0(r.ideal_weight_g, 1000),
        adjusted_weight_kg=_none0(r.adjusted_weight_g, 1000),
        weight_basis=_BASIS[r.weight_basis] if 0 <= r.weight_basis < 3
        else str(r.weight_basis),
        dosing_weight_kg=r.dosing_weight_g / 1000,
        dose_mode="fixed" if r.dose_mode == N.DOSE_FIXED else "per_kg",
        dose_mg_per_kg=r.dose_ug_per_kg / 1000,
        dose_mg=r.dose_ng / 1e6,
        vial_mg_per_ml=v(r.vial_ug_per_ml, 1000),
        volume_step_ml=v(r.volume_step_ul, 1000),
        drug_volume_ml=v(r.drug_volume_ul, 1000),
        vials=(r.vials if r.vials != 0 else None) if has_volume else None,
        delivered_dose_mg=v(r.delivered_dose_ng, 1e6),
        dose_deviation_percent=v(r.dose_deviation_ppm, 1e4),
        prep=(_PREP[r.prep] if 0 <= r.prep < 4 else str(r.prep))
        if pump_ else None,
        diluent_ml=p(r.diluent_ul, 1000),
        total_volume_ml=p(r.total_volume_ul, 1000),
        final_concentration_mg_per_ml=p(r.final_conc_ng_per_ml, 1e6),
        duration_min=p(r.duration_s, 60),
        rate_step_ml_per_h=p(r.rate_step_ul_per_h, 1000),
        rate_ml_per_h=p(r.rate_ul_per_h, 1000),
        actual_duration_min=p(r.actual_duration_ms, 60000),
        vtbi_ml=p(r.vtbi_ul, 1000),
        dose_rate_mg_per_kg_per_h=p(r.dose_rate_ng_per_kg_per_h, 1e6),
        findings=tuple(_finding(lib, r.findings[i])
                       for i in range(min(r.n_findings, N.MAX_FINDINGS))),
        trail=tuple(_step(lib, r.steps[i])
                    for i in range(min(r.n_steps, N.MAX_STEPS))),
        raw={name: getattr(r, name) for name in _INT_FIELDS},
        _c=r)


# ---------------------------------------------------------------------------
# Protocols, pump program, dose
# ---------------------------------------------------------------------------
def protocols():
    """The built-in protocols: a list of dicts (id, version, title, drug,
    route, dose_mg_per_kg, duration_min (None for oral))."""
    lib = library()
    out = []
    for i in range(lib.protocol_count()):
        p = N.Protocol()
        st = lib.protocol_at(i, ctypes.byref(p))
        if st != N.OK:
            raise InfuseError(st, "index", str(i), lib.error_text(st))
        out.append({
            "id": N._text(p.id), "version": N._text(p.version),
            "title": N._text(p.title), "drug": N._text(p.drug),
            "route": "oral" if p.route == N.ROUTE_ORAL else "iv",
            "dose_mg_per_kg": p.dose_ug_per_kg / 1000,
            "duration_min": p.duration_s / 60 if p.duration_s > 0 else None,
        })
    return out


def _request(weight, dose_, protocol, weight_basis, height, sex,
             acknowledge):
    """The protocol and a request with the patient and dose set."""
    lib = library()
    proto = N.Protocol()
    _call(lib.protocol_get, _enc(protocol), ctypes.byref(proto),
          field_map={"protocol": "protocol", "id": "protocol"})
    req = N.Request()
    st = lib.request_init(ctypes.byref(req), ctypes.byref(proto))
    if st != N.OK:
        raise InfuseError(st, "protocol", protocol, lib.error_text(st))
    if weight is None:
        N.refuse(N.E_MISSING, "weight", "",
                 "weight is required, e.g. weight='70kg'")
    q = _quantity(weight, "weight", [N.DIM_BODY_WEIGHT])
    req.weight_g = q.value
    req.weight_entered = q
    if dose_ is not None:
        q = _quantity(dose_, "dose", [N.DIM_DOSE_PER_KG, N.DIM_MASS])
        if q.dim == N.DIM_MASS:
            req.dose_mode = N.DOSE_FIXED
            req.dose_ug = q.value
        else:
            req.dose_mode = N.DOSE_PER_KG
            req.dose_ug_per_kg = q.value
    if weight_basis is not None:
        req.weight_basis = _choice(weight_basis, "weight_basis", {
            "actual": N.WEIGHT_ACTUAL, "ideal": N.WEIGHT_IDEAL,
            "adjusted": N.WEIGHT_ADJUSTED})
    if height is not None:
        q = _quantity(height, "height", [N.DIM_LENGTH])
        req.height_mm = q.value
        req.height_entered = q
    if sex is not None:
        req.sex = _choice(sex, "sex", {"male": N.SEX_MALE,
                                       "female": N.SEX_FEMALE})
    req.acknowledge = _acknowledge(acknowledge)
    return proto, req


def _compute(fn, proto, req):
    lib = library()
    res = N.sized(N.Result)
    req.protocol = ctypes.pointer(proto)
    st = _call(fn, ctypes.byref(req), ctypes.byref(res),
               field_map=_REQUEST_FIELDS)
    return _result(lib, st, res)


def pump(weight, dose=None, duration=None, *, protocol="ketamine-trd-40",
         vial=None, bag=None, final_conc=None, prep=None, volume_step=None,
         rate_step=None, weight_basis=None, height=None, sex=None,
         acknowledge=None):
    """The whole pump program, like `infuse-rate`.

    weight      actual body weight with its unit: "70kg", "154lb", "70000g"
    dose        per kg ("0.5mg/kg") or fixed ("35mg"); default: the
                protocol's
    duration    "40min", "1.5h"; default: the protocol's
    protocol    a built-in id (see protocols()); default ketamine-trd-40
    vial        vial strength, "10mg/mL"
    bag         diluent bag volume, "100mL", or "none" for an undiluted
                syringe on a syringe pump
    final_conc  dilute to this concentration ("1mg/mL") instead of a bag
    prep        "add" (the drug to the bag) or "replace" (withdraw the same
                volume first); goes with a bag
    volume_step draw-up resolution, "0.1mL"; rate_step pump resolution,
                "0.1mL/h"
    weight_basis "actual", "ideal" or "adjusted" (these need height and sex)
    height      "175cm"; sex "male" or "female"
    acknowledge True or "all", or names of soft limits ("dose_per_kg",
                "dose", "weight", "duration", "rate", "concentration",
                "deviation") as a list or a comma string

    Returns a DoseResult, also when a limit stops the calculation (check
    result.ok / result.verdict). Raises InfuseError for invalid input
    (field names the argument); nothing is returned then.
    """
    proto, req = _request(weight, dose, protocol, weight_basis, height, sex,
                          acknowledge)
    if proto.route != N.ROUTE_IV_INFUSION:
        N.refuse(N.E_NOT_INFUSION, "protocol", protocol,
                 "protocol %r is not an infusion and has no pump program; "
                 "use dose()" % protocol)
    syringe = isinstance(bag, str) and bag == "none"
    if bag is not None and final_conc is not None:
        N.refuse(N.E_CONFLICT, "final_conc", final_conc,
                 "bag and final_conc contradict each other: give a bag "
                 "volume, or a final concentration")
    if prep is not None and (syringe or final_conc is not None):
        N.refuse(N.E_CONFLICT, "prep", prep,
                 "prep (add or replace) goes with a bag, not with "
                 "bag='none' or final_conc")
    if duration is not None:
        req.duration_s = _quantity(duration, "duration", [N.DIM_TIME]).value
    if vial is not None:
        req.vial_ug_per_ml = _quantity(vial, "vial",
                                       [N.DIM_CONCENTRATION]).value
    if bag is not None:
        if syringe:
            req.prep = N.PREP_SYRINGE
        else:
            req.bag_ul = _quantity(bag, "bag", [N.DIM_VOLUME]).value
            if req.prep not in (N.PREP_ADD, N.PREP_REPLACE):
                req.prep = N.PREP_ADD
    if final_conc is not None:
        req.final_conc_ug_per_ml = _quantity(final_conc, "final_conc",
                                             [N.DIM_CONCENTRATION]).value
        req.prep = N.PREP_FINAL_CONC
    if prep is not None:
        req.prep = _choice(prep, "prep", {"add": N.PREP_ADD,
                                          "replace": N.PREP_REPLACE})
    if volume_step is not None:
        req.volume_step_ul = _quantity(volume_step, "volume_step",
                                       [N.DIM_VOLUME]).value
    if rate_step is not None:
        req.rate_step_ul_per_h = _quantity(rate_step, "rate_step",
                                           [N.DIM_RATE]).value
    return _compute(library().pump_compute, proto, req)


def dose(weight, dose=None, *, protocol="ketamine-trd-40", strength=None,
         volume_step=None, weight_basis=None, height=None, sex=None,
         acknowledge=None):
    """Dosing weight and dose, like `infuse-dose`. For an oral protocol
    (ketamine-oral) also the volume of oral solution (strength "50mg/mL",
    volume_step "0.1mL"). Returns a DoseResult with has_pump False; raises
    InfuseError for invalid input."""
    proto, req = _request(weight, dose, protocol, weight_basis, height, sex,
                          acknowledge)
    lib = library()
    oral = proto.route == N.ROUTE_ORAL
    if not oral and (strength is not None or volume_step is not None):
        name = "strength" if strength is not None else "volume_step"
        N.refuse(N.E_INVALID, name, strength or volume_step,
                 "%s applies to oral protocols; for an infusion use pump()"
                 % name)
    if strength is not None:
        req.vial_ug_per_ml = _quantity(strength, "strength",
                                       [N.DIM_CONCENTRATION]).value
    if volume_step is not None:
        req.volume_step_ul = _quantity(volume_step, "volume_step",
                                       [N.DIM_VOLUME]).value
    fn = lib.oral_compute if oral else lib.dose_compute
    fmap = dict(_REQUEST_FIELDS, vial_ug_per_ml="strength")
    res = N.sized(N.Result)
    req.protocol = ctypes.pointer(proto)
    st = _call(fn, ctypes.byref(req), ctypes.byref(res), field_map=fmap)
    return _result(lib, st, res)


def _write(fn, obj):
    need = ctypes.c_size_t(0)
    st = fn(obj, None, 0, ctypes.byref(need))
    if st not in (N.OK, N.E_BUFFER_TOO_SMALL):
        raise InfuseError(st, "", "", library().error_text(st))
    buf = ctypes.create_string_buffer(need.value + 1)
    n = ctypes.c_size_t(0)
    st = fn(obj, buf, len(buf), ctypes.byref(n))
    if st != N.OK:
        raise InfuseError(st, "", "", library().error_text(st))
    return buf.raw[:n.value].decode("utf-8")


def write_json(result):
    """The JSON object of infuse_write_json() (the fields of docs/json.md)
    for a DoseResult, as text."""
    return _write(library().write_json, ctypes.byref(result._c))


def write_text(result):
    """The readable report of infuse_write_text(), as text."""
    return _write(library().write_text, ctypes.byref(result._c))


# ---------------------------------------------------------------------------
# Courses
# ---------------------------------------------------------------------------
@dataclasses.dataclass(frozen=True)
class Session:
    """One planned session. interval_days and target_interval_days are None
    for the first session (as in the JSON export)."""
    index: int
    date: _dt.date
    phase: str
    interval_days: Optional[int]
    target_interval_days: Optional[int]
    moved_days: int

    @property
    def day(self):
        """The date as the library's day number."""
        return date_to_day(self.date)


_WEEKDAYS = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"]


def _clinic_days(value):
    """"mon-fri", "mon,wed,fri", or an iterable of names or ISO weekday
    numbers (1 Monday .. 7 Sunday) -> weekday bits."""
    def bit(item):
        if isinstance(item, int) and not isinstance(item, bool) \
                and 1 <= item <= 7:
            return 1 << (item - 1)
        if isinstance(item, str) and item.lower() in _WEEKDAYS:
            return 1 << _WEEKDAYS.index(item.lower())
        N.refuse(N.E_INVALID, "clinic_days", item,
                 "clinic_days: %r is not a weekday; use mon..sun or 1..7"
                 % (item,))

    bits = 0
    items = value.split(",") if isinstance(value, str) else list(value)
    for item in items:
        if isinstance(item, str) and "-" in item:
            a, _, b = item.partition("-")
            lo, hi = bit(a.strip()), bit(b.strip())
            i, j = lo.bit_length(), hi.bit_length()
            if j < i:
                N.refuse(N.E_INVALID, "clinic_days", item,
                         "clinic_days: the range %r runs backwards" % item)
            for k in range(i, j + 1):
                bits |= 1 << (k - 1)
        else:
            bits |= bit(item.strip() if isinstance(item, str) else item)
    return bits


def _day(value, field):
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return date_to_day(value)
    if not isinstance(value, str):
        N.refuse(N.E_SYNTAX, field, value,
                 "%s: %r is not a date; give YYYY-MM-DD or a datetime.date"
                 % (field, value))
    out = ctypes.c_int32(0)
    _call(library().date_parse, _enc(value), _enc(field), ctypes.byref(out))
    return out.value


def _int_arg(value, field, lo, hi):
    if isinstance(value, bool) or not isinstance(value, int) \
            or not lo <= value <= hi:
        N.refuse(N.E_RANGE, field, value,
                 "%s: %r is not a whole number in %d..%d" %
                 (field, value, lo, hi))
    return value


def _course_options(start, induction, per_week, maintenance, months,
                    clinic_days, closed, min_interval, taper):
    lib = library()
    opt = N.CourseOptions()
    st = lib.course_init(ctypes.byref(opt), _day(start, "start"))
    if st != N.OK:
        raise InfuseError(st, "start", str(start), lib.error_text(st))
    if induction is not None:
        opt.induction_count = _int_arg(induction, "induction", -2**31,
                                       2**31 - 1)
    if per_week is not None:
        opt.per_week = _int_arg(per_week, "per_week", -2**31, 2**31 - 1)
    if maintenance is not None:
        opt.maintenance = _choice(maintenance, "maintenance", {
            "taper": N.MAINTENANCE_TAPER, "weekly": N.MAINTENANCE_WEEKLY,
            "none": N.MAINTENANCE_NONE})
    if months is not None:
        opt.horizon_months = _int_arg(months, "months", -2**31, 2**31 - 1)
    if clinic_days is not None:
        opt.clinic_days = _clinic_days(clinic_days)
    if min_interval is not None:
        opt.min_interval_days = _int_arg(min_interval, "min_interval",
                                         -2**31, 2**31 - 1)
    if closed:
        days = [_day(d, "closed") for d in closed]
        if len(days) > N.MAX_CLOSED:
            N.refuse(N.E_RANGE, "closed", len(days),
                     "closed: at most %d dates" % N.MAX_CLOSED)
        opt.n_closed = len(days)
        for i, d in enumerate(days):
            opt.closed[i] = d
    if taper is not None:
        steps = list(taper)
        if not 1 <= len(steps) <= N.MAX_TAPER_STEPS:
            N.refuse(N.E_RANGE, "taper", len(steps),
                     "taper: 1 to %d steps of (interval_days, count)"
                     % N.MAX_TAPER_STEPS)
        opt.n_taper_steps = len(steps)
        for i, (interval, count) in enumerate(steps):
            opt.taper[i].interval_days = _int_arg(interval, "taper",
                                                  -2**31, 2**31 - 1)
            opt.taper[i].count = _int_arg(count, "taper", -2**31, 2**31 - 1)
    return opt


def _plan(opt):
    """Plan the course into a ctypes array of exactly the sessions."""
    lib = library()
    buf = (N.Session * N.MAX_SESSIONS)()
    n = ctypes.c_size_t(0)
    _call(lib.course_plan, ctypes.byref(opt), buf, N.MAX_SESSIONS,
          ctypes.byref(n), field_map=_COURSE_FIELDS)
    out = (N.Session * n.value)()
    ctypes.memmove(out, buf, ctypes.sizeof(N.Session) * n.value)
    return out


def _sessions(c_sessions):
    lib = library()
    return [Session(index=s.index, date=day_to_date(s.date),
                    phase=lib.text(lib.phase_name, s.phase),
                    interval_days=s.interval_days if i > 0 else None,
                    target_interval_days=(s.target_interval_days if i > 0
                                          else None),
                    moved_days=s.moved_days)
            for i, s in enumerate(c_sessions)]


def course(start, induction=None, per_week=None, maintenance=None,
           months=None, *, clinic_days=None, closed=(), min_interval=None,
           taper=None):
    """Plan a course, like `infuse-schedule`: a list of Session.

    start         first session's target date: "YYYY-MM-DD" or a date
    induction     induction sessions, 1..12 (default 6)
    per_week      2 or 3 (default 3: Mon/Wed/Fri spacing)
    maintenance   "taper" (default), "weekly" or "none"
    months        horizon in calendar months, 1..60 (default 12)
    clinic_days   "mon-fri" (default), "mon,wed,fri", or weekday names or
                  ISO numbers (1 Monday .. 7 Sunday)
    closed        closed dates (strings or dates)
    min_interval  shortest gap in whole days (default 2)
    taper         [(interval_days, count), ...], the last count 0 to repeat
                  (default [(5, 2), (7, 2), (10, 2), (14, 2), (21, 2),
                  (28, 0)])

    Raises InfuseError for invalid options (field names the argument).
    """
    opt = _course_options(start, induction, per_week, maintenance, months,
                          clinic_days, closed, min_interval, taper)
    return _sessions(_plan(opt))


def _c_sessions(sessions):
    phases = {"induction": 0, "maintenance": 1}
    arr = (N.Session * len(sessions))()
    for i, s in enumerate(sessions):
        arr[i].index = s.index
        arr[i].date = date_to_day(s.date)
        arr[i].phase = phases.get(s.phase, -1)
        arr[i].interval_days = s.interval_days or 0
        arr[i].target_interval_days = s.target_interval_days or 0
        arr[i].moved_days = s.moved_days
    return arr


def _export(fn, sessions, result, course_id, uid_domain, dtstamp,
            patient_reference):
    if not sessions:
        N.refuse(N.E_INVALID, "sessions", "[]", "sessions: none given")
    arr = _c_sessions(sessions)
    x = N.sized(N.CourseExport)
    x.sessions = arr
    x.n_sessions = len(sessions)
    if result is not None:
        x.result = ctypes.pointer(result._c)
    if course_id is not None:
        x.course_id = _enc(course_id)
    if uid_domain is not None:
        x.uid_domain = _enc(uid_domain)
    if patient_reference is not None:
        x.patient_reference = _enc(patient_reference)
    if dtstamp is None:
        dtstamp = 0
    elif isinstance(dtstamp, _dt.datetime):
        if dtstamp.tzinfo is None:
            N.refuse(N.E_INVALID, "dtstamp", dtstamp,
                     "dtstamp: give an aware datetime (e.g. with "
                     "tzinfo=datetime.timezone.utc) or seconds since 1970")
        dtstamp = int(dtstamp.timestamp())
    x.dtstamp = dtstamp
    return _write(fn, ctypes.byref(x))


def course_json(sessions, result=None, *, course_id=None, uid_domain=None,
                dtstamp=None, patient_reference=None):
    """infuse_course_write_json of planned sessions (from course()), with
    the dose and pump program of a DoseResult on every session when given."""
    return _export(library().course_write_json, sessions, result, course_id,
                   uid_domain, dtstamp, patient_reference)


def course_csv(sessions, result=None):
    """infuse_course_write_csv (RFC 4180, CRLF line ends) of planned
    sessions, with a DoseResult's dose, rate and VTBI when given."""
    return _export(library().course_write_csv, sessions, result, None, None,
                   None, None)


def course_ics(sessions, result=None, *, course_id, uid_domain=None,
               dtstamp):
    """infuse_course_write_ics: iCalendar; course_id and dtstamp (the
    caller's clock: an aware datetime or seconds since 1970) required."""
    return _export(library().course_write_ics, sessions, result, course_id,
                   uid_domain, dtstamp, None)


def course_fhir(sessions, result=None, *, course_id, patient_reference,
                dtstamp):
    """infuse_course_write_fhir: a FHIR R4 Bundle of draft
    MedicationRequests."""
    return _export(library().course_write_fhir, sessions, result, course_id,
                   None, dtstamp, patient_reference)
