package org.visorfleet.server;

import java.util.List;

/** One page of a longer list: the items and how many match in all. */
public record Page<T>(List<T> items, long total) {}
