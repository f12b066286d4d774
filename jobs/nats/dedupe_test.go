package nats

import "testing"

// seen spots a second first-delivery of a sequence, says whether the
// original was settled for good, and forgets the oldest beyond seenSize.
func TestSeen(t *testing.T) {
	s := newSeen()
	if dup, _ := s.duplicate(7); dup {
		t.Fatal("7 is new")
	}
	s.handed(7)
	if dup, done := s.duplicate(7); !dup || done {
		t.Fatalf("handed 7: dup %v done %v, want true false", dup, done)
	}
	s.settled(7)
	s.settled(99) // never handed: no entry made
	if dup, done := s.duplicate(7); !dup || !done {
		t.Fatalf("acked 7: dup %v done %v, want true true", dup, done)
	}
	if dup, _ := s.duplicate(99); dup {
		t.Fatal("99 was never handed out")
	}
	for seq := uint64(100); seq < 100+seenSize; seq++ {
		s.handed(seq)
	}
	if dup, _ := s.duplicate(7); dup {
		t.Fatal("7 should be forgotten after seenSize newer sequences")
	}
	if dup, _ := s.duplicate(100 + seenSize - 1); !dup {
		t.Fatal("the newest sequence is remembered")
	}
	if len(s.done) != seenSize {
		t.Fatalf("%d entries kept, want %d", len(s.done), seenSize)
	}
}
