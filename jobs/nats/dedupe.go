package nats

// nats-server before 2.10.14 (nats-io/nats-server#5305) can deliver a
// message a second time with a delivery count of 1: when it fails to
// hand out a due redelivery (a NakWithDelay whose delay ends as the pull
// request it would go to expires), it steps its stream position back and
// sends the next message again. The Delay conformance test caught it on
// Debian's 2.9.10 (about 1 run in 15 under load): the job pushed without
// a delay came back after it was acked. A genuine redelivery always
// carries a count of 2 or more, so a count of 1 for a stream sequence
// this instance already handed out is that duplicate; seen remembers the
// last seenSize sequences to spot it.

// seenSize bounds the memory of handed-out sequences: duplicates follow
// their original within a pull request or two, far fewer messages than this.
const seenSize = 4096

// seen records the stream sequences this instance handed out, with
// whether each was settled for good (acked or terminated). Guarded by
// Driver.mu.
type seen struct {
	done map[uint64]bool
	ring [seenSize]uint64
	next int
}

func newSeen() *seen { return &seen{done: make(map[uint64]bool, seenSize)} }

// handed records seq as handed out, forgetting the oldest beyond seenSize.
func (s *seen) handed(seq uint64) {
	if old := s.ring[s.next]; old != 0 {
		delete(s.done, old)
	}
	s.ring[s.next] = seq
	s.next = (s.next + 1) % seenSize
	s.done[seq] = false
}

// settled marks seq as acked or terminated.
func (s *seen) settled(seq uint64) {
	if _, ok := s.done[seq]; ok {
		s.done[seq] = true
	}
}

// duplicate reports whether a first delivery of seq was already handed
// out here, and whether that one was settled for good.
func (s *seen) duplicate(seq uint64) (dup, done bool) {
	done, dup = s.done[seq]
	return dup, done
}
