"""examples/pof: the Point type of HPy's proof-of-concept (point_hpy_final.c), in all three
modes."""

import math

import pytest

from hpyrs_testing import example_module

mod = example_module("pof")


def test_point_construction(mod):
    p = mod.Point(3, 4.0)
    assert type(p) is mod.Point
    assert p.norm() == 5.0
    assert mod.Point().norm() == 0.0
    assert mod.Point(y=2).norm() == 2.0
    assert mod.Point(x=3, y=4).norm() == 5.0
    assert mod.Point(3, y=4).norm() == 5.0
    with pytest.raises(TypeError):
        mod.Point("3")
    with pytest.raises(TypeError):
        mod.Point(1, 2, 3)
    with pytest.raises(TypeError):
        mod.Point(z=1)


def test_init_reinitialises(mod):
    p = mod.Point(1, 1)
    p.__init__(6, 8)
    assert p.norm() == 10.0


def test_norm(mod):
    assert mod.Point(1, 1).norm() == math.hypot(1, 1)
    assert mod.Point(-5, 12).norm() == 13.0
    assert mod.Point.norm.__doc__ == "Distance from origin."
    with pytest.raises(TypeError):
        mod.Point().norm(1)


def test_dot(mod):
    assert mod.dot(mod.Point(1, 2), mod.Point(3, 4)) == 11.0
    p = mod.Point(2, 3)
    assert mod.dot(p, p) == 13.0
    assert mod.dot.__doc__ == "Dot product."
    with pytest.raises(TypeError):
        mod.dot(mod.Point(), (1, 2))
    with pytest.raises(TypeError):
        mod.dot(1, mod.Point())
    with pytest.raises(TypeError):
        mod.dot(mod.Point())


def test_type_identity(mod):
    assert mod.Point.__name__ == "Point"
    assert mod.Point.__module__ == "pof"
    assert mod.Point.__doc__ == "A point in the plane."
