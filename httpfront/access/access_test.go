package access

import "testing"

// TestRingSince: a reader gets the records added since its last sequence
// number, oldest first; records overwritten before it came back are
// skipped, and the ring keeps copies (the writer's record is pooled).
func TestRingSince(t *testing.T) {
	r := NewRing(3)
	add := func(status int) {
		rec := Record{Status: status}
		r.Add(&rec)
		rec.Status = 0 // the caller reuses its record
	}
	add(200)
	got, next := r.Since(0, nil)
	if len(got) != 1 || got[0].Status != 200 || next != 1 {
		t.Fatalf("first read: %+v, next %d", got, next)
	}
	for _, s := range []int{201, 202, 203, 204} {
		add(s)
	}
	got, next = r.Since(next, got[:0])
	if len(got) != 3 || got[0].Status != 202 || got[2].Status != 204 || next != 5 {
		t.Fatalf("after overrun: %+v, next %d; want 202..204, next 5", got, next)
	}
	if got, again := r.Since(next, nil); len(got) != 0 || again != next {
		t.Fatalf("nothing new: %+v, next %d", got, again)
	}
}
