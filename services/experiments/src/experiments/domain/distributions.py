"""The distributions the WebLab's tests need, in pure Python: normal, Student t and chi-square.

The normal CDF comes from math.erfc; Student t and chi-square come from the regularized
incomplete beta and gamma functions (continued fractions evaluated with the modified Lentz
method, as in Numerical Recipes, 3rd ed., 6.2 and 6.4).
"""

from __future__ import annotations

import math

SQRT2 = math.sqrt(2.0)
_EPSILON = 1e-15
_TINY = 1e-300
_MAX_ITERATIONS = 100_000

# Acklam's rational approximation of the normal quantile, refined below with one Halley step.
_A = (-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.3577518672690,
      -30.66479806614716, 2.506628277459239)  # fmt: skip
_B = (-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
      -13.28068155288572)  # fmt: skip
_C = (-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
      4.374664141464968, 2.938163982698783)  # fmt: skip
_D = (0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416)
_P_LOW = 0.02425


def normal_cdf(z: float) -> float:
    return 0.5 * math.erfc(-z / SQRT2)


def normal_sf(z: float) -> float:
    return 0.5 * math.erfc(z / SQRT2)


def normal_ppf(p: float) -> float:
    """The z with normal_cdf(z) == p, for 0 < p < 1."""
    if not 0.0 < p < 1.0:
        raise ValueError(f"probability must be in (0, 1), got {p}")
    if p < _P_LOW:
        x = _tail_quantile(p)
    elif p > 1.0 - _P_LOW:
        x = -_tail_quantile(1.0 - p)
    else:
        q = p - 0.5
        r = q * q
        x = _poly(_A, r) * q / (_poly(_B, r) * r + 1.0)
    error = normal_cdf(x) - p
    step = error * math.sqrt(2.0 * math.pi) * math.exp(x * x / 2.0)
    return x - step / (1.0 + x * step / 2.0)


def _tail_quantile(p: float) -> float:
    q = math.sqrt(-2.0 * math.log(p))
    return _poly(_C, q) / (_poly(_D, q) * q + 1.0)


def _poly(coefficients: tuple[float, ...], x: float) -> float:
    total = 0.0
    for coefficient in coefficients:
        total = total * x + coefficient
    return total


def regularized_beta(x: float, a: float, b: float) -> float:
    """I_x(a, b), the regularized incomplete beta function."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    log_front = (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )
    front = math.exp(log_front)
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_fraction(x, a, b) / a
    return 1.0 - front * _beta_fraction(1.0 - x, b, a) / b


def _guard(value: float) -> float:
    return _TINY if abs(value) < _TINY else value


def _beta_fraction(x: float, a: float, b: float) -> float:
    c, d = 1.0, 1.0 / _guard(1.0 - (a + b) * x / (a + 1.0))
    result = d
    for m in range(1, _MAX_ITERATIONS):
        even = m * (b - m) * x / ((a + 2 * m - 1.0) * (a + 2 * m))
        d = 1.0 / _guard(1.0 + even * d)
        c = _guard(1.0 + even / c)
        result *= d * c
        odd = -(a + m) * (a + b + m) * x / ((a + 2 * m) * (a + 2 * m + 1.0))
        d = 1.0 / _guard(1.0 + odd * d)
        c = _guard(1.0 + odd / c)
        delta = d * c
        result *= delta
        if abs(delta - 1.0) < _EPSILON:
            return result
    raise ArithmeticError(f"incomplete beta did not converge for x={x}, a={a}, b={b}")


def regularized_gamma_upper(a: float, x: float) -> float:
    """Q(a, x) = 1 - P(a, x), the regularized upper incomplete gamma function."""
    if x <= 0.0:
        return 1.0
    log_front = -x + a * math.log(x) - math.lgamma(a)
    if x < a + 1.0:
        return 1.0 - math.exp(log_front) * _gamma_series(a, x)
    return math.exp(log_front) * _gamma_fraction(a, x)


def _gamma_series(a: float, x: float) -> float:
    term = total = 1.0 / a
    denominator = a
    for _ in range(_MAX_ITERATIONS):
        denominator += 1.0
        term *= x / denominator
        total += term
        if abs(term) < abs(total) * _EPSILON:
            return total
    raise ArithmeticError(f"incomplete gamma series did not converge for a={a}, x={x}")


def _gamma_fraction(a: float, x: float) -> float:
    b = x + 1.0 - a
    c, d = 1.0 / _TINY, 1.0 / _guard(b)
    result = d
    for i in range(1, _MAX_ITERATIONS):
        an = -i * (i - a)
        b += 2.0
        d = 1.0 / _guard(an * d + b)
        c = _guard(b + an / c)
        delta = d * c
        result *= delta
        if abs(delta - 1.0) < _EPSILON:
            return result
    raise ArithmeticError(f"incomplete gamma fraction did not converge for a={a}, x={x}")


def student_t_two_sided(t: float, df: float) -> float:
    """P(|T| >= |t|) for Student's t with ``df`` degrees of freedom (df may be fractional)."""
    return regularized_beta(df / (df + t * t), df / 2.0, 0.5)


def student_t_ppf(p: float, df: float) -> float:
    """The t with P(T <= t) == p, for 0.5 <= p < 1, by bisection on the two-sided tail."""
    if not 0.5 <= p < 1.0:
        raise ValueError(f"probability must be in [0.5, 1), got {p}")
    if p == 0.5:
        return 0.0
    tail = 2.0 * (1.0 - p)
    low, high = 0.0, 1.0
    while student_t_two_sided(high, df) > tail:
        low, high = high, high * 2.0
    for _ in range(200):
        middle = (low + high) / 2.0
        if middle in (low, high):
            break
        if student_t_two_sided(middle, df) > tail:
            low = middle
        else:
            high = middle
    return (low + high) / 2.0


def chi_square_sf(x: float, df: float) -> float:
    """P(X >= x) for a chi-square variable with ``df`` degrees of freedom."""
    return regularized_gamma_upper(df / 2.0, x / 2.0)
