package procstat

import "testing"

func TestField(t *testing.T) {
	// A command name with spaces and parentheses, as `php (worker) x` would give.
	line := []byte("4242 (php (worker) x) S 1 4242 4242 0 -1 4194560 2911 0 0 0 " +
		"250 50 0 0 20 0 1 0 100000 268435456 6690 18446744073709551615\n")
	for n, want := range map[int]uint64{4: 1, 14: 250, 15: 50, 22: 100000, 24: 6690, 25: 18446744073709551615} {
		if got, err := Field(line, n); err != nil || got != want {
			t.Errorf("Field(%d) = %d, %v; want %d", n, got, err, want)
		}
	}
	for _, tc := range []struct {
		line string
		n    int
	}{
		{"", 4}, {"4242 no parens", 4}, {"1 (x) S 1 2 3", 24}, {"1 (x) S 1 9x9", 5}, {"1 (x) S 1", 3}, {"1 (x) S 1", 2},
	} {
		if v, err := Field([]byte(tc.line), tc.n); err == nil {
			t.Errorf("Field(%q, %d) = %d, want an error", tc.line, tc.n, v)
		}
	}
}
