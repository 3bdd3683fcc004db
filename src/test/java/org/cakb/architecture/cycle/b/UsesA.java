package org.cakb.architecture.cycle.b;

/** Half of a deliberate package cycle for ArchitectureTest's self-check. */
public class UsesA {
    org.cakb.architecture.cycle.a.UsesB other;
}
