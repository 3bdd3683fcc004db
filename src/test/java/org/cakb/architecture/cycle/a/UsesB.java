package org.cakb.architecture.cycle.a;

/** Half of a deliberate package cycle for ArchitectureTest's self-check. */
public class UsesB {
    org.cakb.architecture.cycle.b.UsesA other;
}
