package org.visorfleet.aoe.codec;

/** The command argument of an AoE frame, one record per command. */
public sealed interface AoeMessage
        permits AtaMessage, QueryConfigMessage, MacMaskMessage, ReserveReleaseMessage, UnknownMessage {}
