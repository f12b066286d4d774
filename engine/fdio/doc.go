// Package fdio reads and writes non-blocking descriptors (sockets, pipes)
// with raw system calls made inside the runtime poller's RawConn callbacks.
//
// Why it exists: every Read and Write through net.Conn or os.File goes
// through the scheduler's syscall bookkeeping (entersyscall/exitsyscall).
// When all of the process's Ps have been idle, the first such call also
// wakes the runtime's sysmon thread and resets it to polling every 20 µs
// for at least a millisecond. phprun's goroutines mostly wait for PHP, so
// the process goes idle thousands of times a second, and those wake-ups
// (a timer sleep and a context switch each) were about a seventh of the
// Go CPU per request with a PSR-7 worker (docs/benchmarks.md). A call on
// a non-blocking descriptor never blocks, so the bookkeeping protects
// nothing there; waiting stays with the poller, which parks the goroutine
// until the descriptor is ready and enforces deadlines as before.
//
// What callers see does not change: data, io.EOF, and errors of the same
// types and texts as the descriptor's own Read and Write. Errors that come
// from the poller (a passed deadline, a closed descriptor) are produced by
// asking the descriptor's own method again, which answers with the error
// it always gave; an errno from the raw call is wrapped the way net and os
// wrap it.
//
// Stream.ReadAfter goes one step further for request/answer exchanges: the
// request is sent from inside the read of its answer, after the poller has
// been told a read begins, so the read may wait for readiness at once
// instead of first trying a read that would find nothing.
//
// Only descriptors in non-blocking mode qualify: a blocking one would hold
// its P for as long as the call blocks, out of the scheduler's sight. Conn
// and File check the mode and hand back the descriptor itself when it does
// not qualify, or outside Linux.
package fdio
