package main

import (
	"context"
	"errors"
	"os"
	"os/signal"
	"sync"
	"syscall"
)

// signals turns process signals into lifecycle actions:
//
//	first SIGINT/SIGTERM   the context newSignals returned is cancelled: graceful shutdown
//	second SIGINT/SIGTERM  the force action runs: stop waiting, kill workers
//	SIGUSR2                the reload action runs: rolling worker reset
//
// signal.NotifyContext cannot count signals, hence the channel.
type signals struct {
	cancel context.CancelCauseFunc
	ch     chan os.Signal
	done   chan struct{}

	mu     sync.Mutex // guards force and reload
	force  func()
	reload func()
}

// newSignals starts handling signals. The returned context ends with the
// first SIGINT/SIGTERM; its cause names the signal.
func newSignals() (context.Context, *signals) {
	ctx, cancel := context.WithCancelCause(context.Background())
	s := &signals{cancel: cancel, ch: make(chan os.Signal, 4), done: make(chan struct{})}
	sigs := []os.Signal{os.Interrupt, syscall.SIGTERM}
	if reloadSignal != nil {
		sigs = append(sigs, reloadSignal)
	}
	signal.Notify(s.ch, sigs...)
	go s.loop(ctx)
	return ctx, s
}

func (s *signals) loop(ctx context.Context) {
	for {
		select {
		case <-s.done:
			return
		case sig := <-s.ch:
			s.mu.Lock()
			force, reload := s.force, s.reload
			s.mu.Unlock()
			switch {
			case reloadSignal != nil && sig == reloadSignal:
				if reload != nil {
					go reload()
				}
			case ctx.Err() == nil:
				s.cancel(errors.New(sig.String()))
			case force != nil:
				force()
			}
		}
	}
}

// onForce sets what a second SIGINT/SIGTERM does.
func (s *signals) onForce(f func()) { s.mu.Lock(); s.force = f; s.mu.Unlock() }

// onReload sets what SIGUSR2 does.
func (s *signals) onReload(f func()) { s.mu.Lock(); s.reload = f; s.mu.Unlock() }

// stop restores the default signal behaviour.
func (s *signals) stop() {
	signal.Stop(s.ch)
	close(s.done)
	s.cancel(context.Canceled)
}
