package main

import "testing"

func TestGCSettingsYieldToEnvironment(t *testing.T) {
	env := func(set ...string) func(string) (string, bool) {
		return func(k string) (string, bool) {
			for _, s := range set {
				if s == k {
					return "1", true
				}
			}
			return "", false
		}
	}
	for _, tc := range []struct {
		set                    []string
		wantPercent, wantLimit bool
	}{
		{nil, true, true},
		{[]string{"GOGC"}, false, true},
		{[]string{"GOMEMLIMIT"}, true, false},
		{[]string{"GOGC", "GOMEMLIMIT"}, false, false},
	} {
		percent, setPercent, limit, setLimit := gcSettings(env(tc.set...))
		if setPercent != tc.wantPercent || setLimit != tc.wantLimit {
			t.Errorf("env %v: sets GOGC %v, GOMEMLIMIT %v; want %v, %v", tc.set, setPercent, setLimit, tc.wantPercent, tc.wantLimit)
		}
		// The limit must leave room under the 64 MiB peak RSS target
		// (BENCHMARKS.md) for what Go does not count: the binary's pages.
		if percent <= 100 || limit <= 0 || limit > 48<<20 {
			t.Errorf("gcSettings = %d, %d: want GOGC above the default and a limit of at most 48 MiB", percent, limit)
		}
	}
}
