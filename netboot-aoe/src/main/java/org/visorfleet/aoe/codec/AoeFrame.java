package org.visorfleet.aoe.codec;

/** One decoded AoE frame: common header and command argument. */
public record AoeFrame(AoeHeader header, AoeMessage message) {}
