"""Score distributions, class values between classes, and piecewise-linear CDFs."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np
import pytest

from weerbaar.errors import MethodError
from weerbaar.methods.uncertainty import Cdf, ClassValueMap, Shape, mix
from weerbaar.methods.uncertainty.cdf import from_limits
from weerbaar.methods.uncertainty.distributions import FloatArray, _pert_table, beta_cdf, cdf, ppf
from weerbaar.methods.uncertainty.exact import criterion_cdf, weighted_sum_cdfs

Curve = Callable[[FloatArray], FloatArray]


def binomial_beta(x: float, a: int, b: int) -> float:
    """I_x(a, b) for whole a, b: P(Binomial(a + b − 1, x) ≥ a)."""
    m = a + b - 1
    return sum(math.comb(m, j) * x**j * (1 - x) ** (m - j) for j in range(a, m + 1))


@pytest.mark.parametrize(("a", "b"), [(1, 1), (2, 3), (3, 2), (5, 1), (4, 4)])
def test_beta_cdf_known_answers(a: int, b: int) -> None:
    x = np.linspace(0, 1, 41)
    assert np.allclose(beta_cdf(x, a, b), [binomial_beta(float(v), a, b) for v in x], atol=1e-13)


@pytest.mark.parametrize(("a", "b"), [(1.8, 4.2), (2.5, 3.5), (5.0, 1.0), (1.5, 4.5)])
def test_beta_cdf_symmetry(a: float, b: float) -> None:
    x = np.linspace(0.01, 0.99, 50)
    assert np.allclose(beta_cdf(x, a, b), 1.0 - beta_cdf(1.0 - x, b, a), atol=1e-13)


def test_beta_cdf_closed_forms() -> None:
    """I_x(1, 1) = x, I_x(a, 1) = x^a, I_x(1, b) = 1 − (1 − x)^b, I_x(½, ½) = (2/π)·asin √x,
    I_½(a, a) = ½ (closed forms, not the code under test), and x clipped to [0, 1]."""
    x = np.linspace(0.0, 1.0, 257)
    assert np.allclose(beta_cdf(x, 1.0, 1.0), x, rtol=0, atol=1e-14)
    for a in (0.3, 1.7, 2.6, 5.0, 12.5):
        assert np.allclose(beta_cdf(x, a, 1.0), x**a, rtol=0, atol=1e-14)
        assert np.allclose(beta_cdf(x, 1.0, a), 1.0 - (1.0 - x) ** a, rtol=0, atol=1e-14)
        assert beta_cdf(0.5, a, a) == pytest.approx(0.5, abs=1e-14)
    assert np.allclose(beta_cdf(x, 0.5, 0.5), 2.0 / np.pi * np.arcsin(np.sqrt(x)), rtol=0,
                       atol=1e-14)
    assert list(beta_cdf([-1.0, 0.0, 1.0, 2.0, np.inf, -np.inf, np.nan], 2.0, 3.0)) == [
        0.0, 0.0, 1.0, 1.0, 1.0, 0.0, 0.0]
    assert beta_cdf(np.full((2, 3), 0.5), 2.0, 2.0).shape == (2, 3)


@pytest.mark.parametrize(("r", "closed_form"), [
    (0.0, lambda t: 1.0 - (1.0 - t) ** 5),                     # α = 1, β = 5
    (0.25, lambda t: 1.0 - (1.0 - t) ** 4 * (1.0 + 4.0 * t)),  # α = 2, β = 4
    (0.5, lambda t: t**3 * (10.0 - 15.0 * t + 6.0 * t * t)),   # α = β = 3
    (0.75, lambda t: t**4 * (5.0 - 4.0 * t)),                  # α = 4, β = 2
    (1.0, lambda t: t**5),                                     # α = 5, β = 1
])
def test_pert_tables_match_the_closed_form(r: float, closed_form: Curve) -> None:
    """The cached PERT CDF tables hold the beta CDF of α = 1 + 4r, β = 5 − 4r on their grid."""
    table = _pert_table(r)
    grid = np.linspace(0.0, 1.0, len(table))
    assert np.allclose(table, closed_form(grid), rtol=0, atol=1e-12)
    assert table[0] == 0.0 and table[-1] == 1.0 and np.all(np.diff(table) >= 0)


@pytest.mark.parametrize("shape", list(Shape))
@pytest.mark.parametrize(("lo", "mode", "hi"), [(0, 0, 2), (1, 3, 5), (2, 4, 4), (1, 1.5, 4.5)])
def test_quantile_inverts_cdf_and_the_mean_is_right(shape: Shape, lo: float, mode: float,
                                                    hi: float) -> None:
    p = np.linspace(0.001, 0.999, 200)
    x = ppf(shape, p, lo, mode, hi)
    assert np.all(np.diff(x) > 0)
    assert np.allclose(cdf(shape, x, lo, mode, hi), p, atol=1e-7)
    grid = np.linspace(lo, hi, 20001)
    mean = hi - np.trapezoid(cdf(shape, grid, lo, mode, hi), grid)
    expected = (lo + mode + hi) / 3 if shape is Shape.TRIANGULAR else (lo + 4 * mode + hi) / 6
    assert mean == pytest.approx(expected, abs=1e-6)


def test_point_mass() -> None:
    for shape in Shape:
        assert list(cdf(shape, [2.9, 3.0, 3.1], 3, 3, 3)) == [0.0, 1.0, 1.0]
        assert list(ppf(shape, [0.1, 0.9], 3, 3, 3)) == [3.0, 3.0]


def test_class_values_between_classes() -> None:
    values = ClassValueMap([0, 1, 3, 9, 27, 81])
    whole = np.arange(6.0)
    assert list(values.value(whole)) == [0, 1, 3, 9, 27, 81]
    x = np.linspace(1, 5, 101)
    assert np.allclose(values.value(x), 3.0 ** (x - 1), rtol=1e-12)
    assert values.value(0.5) == 0.5
    y = np.linspace(0, 5, 501)
    assert np.all(np.diff(values.value(y)) > 0)
    assert np.allclose(values.inverse(values.value(y)), y, atol=1e-12)
    assert list(values.applicable([0, 0.25, 1, 3])) == [0, 0.25, 1, 1]
    with pytest.raises(MethodError):
        ClassValueMap([0, 3, 1, 9])


def test_cdf_evaluation_and_quantiles() -> None:
    c = Cdf(np.array([0.0, 1.0, 1.0, 2.0]), np.array([0.0, 0.25, 0.75, 1.0]))
    assert c.right(1.0) == 0.75 and c.left(1.0) == 0.25
    assert c.right(0.5) == pytest.approx(0.125)
    assert list(c.atoms()) == [1.0]
    assert c.quantile(0.5) == 1.0
    assert c.quantile(0.125) == pytest.approx(0.5)
    assert c.mean() == pytest.approx(1.0)
    point = Cdf.point(2.5)
    assert list(point.quantile([0.0, 0.3, 1.0])) == [2.5, 2.5, 2.5]
    mixed = mix([Cdf.point(1.0), Cdf.point(3.0)])
    assert mixed.right(1.0) == 0.5 and mixed.left(1.0) == 0.0 and mixed.right(3.0) == 1.0
    assert mixed.quantile(0.25) == 1.0 and mixed.quantile(0.75) == 3.0
    z = np.array([0.0, 1.0])
    rebuilt = from_limits(z, np.array([0.0, 0.5]), np.array([0.5, 1.0]))
    assert list(rebuilt.atoms()) == [0.0, 1.0]


def test_convolution_of_one_criterion_is_its_own_distribution() -> None:
    values = ClassValueMap([0, 1, 3, 9, 27, 81])
    lo, mode, hi = (np.array([[v] + [0.0] * 3]) for v in (1.0, 2.0, 4.0))
    weights = np.array([1.0, 0, 0, 0])
    [result] = weighted_sum_cdfs(lo, mode, hi, weights, Shape.TRIANGULAR, values, np.array([3.0]))
    direct = criterion_cdf(Shape.TRIANGULAR, 1.0, 2.0, 4.0)
    s = np.linspace(1.0, 27.0, 300)
    assert np.allclose(result.right(s), direct.right(values.inverse(s)), atol=2e-3)
