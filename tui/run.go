package tui

import (
	"context"
	"errors"
	"fmt"
	"os"

	tea "github.com/charmbracelet/bubbletea"
)

// fps caps how often the screen is repainted: whatever the message rate,
// the terminal sees at most 10 frames a second.
const fps = 10

// Run shows the dashboard on the terminal until the user quits or ctx is
// cancelled, and returns:
//
//   - nil after q or ctrl+c once Source.Drain returned nil (the dashboard
//     stays up, with live stats, while the server drains);
//   - the error of Drain, wrapped, if it failed;
//   - ErrForced when ctrl+c was pressed again during the drain: main should
//     stop the workers at once (Drain is still running);
//   - nil when ctx was cancelled (main started the shutdown itself).
//
// Run owns the terminal while it runs (alternate screen, raw mode, no
// mouse capture unless opts.Mouse): nothing else may write to stdout or
// stderr meanwhile. Run installs no signal handler: main keeps SIGINT and
// SIGTERM (signal.NotifyContext) and cancels ctx. A ctrl+c typed in the
// dashboard is a key, not a signal, because the terminal is in raw mode.
// After Run returns, main should close the Events channel (unsubscribe).
func Run(ctx context.Context, src Source, opts Options) error {
	return run(ctx, New(src, opts), opts)
}

// run is Run with extra program options (tests give it pipes instead of a
// terminal).
func run(ctx context.Context, m Model, opts Options, extra ...tea.ProgramOption) error {
	popts := []tea.ProgramOption{
		tea.WithContext(ctx),
		tea.WithAltScreen(),
		tea.WithFPS(fps),
		tea.WithoutSignalHandler(),
	}
	if opts.Mouse {
		popts = append(popts, tea.WithMouseCellMotion())
	}
	p := tea.NewProgram(m, append(popts, extra...)...)
	final, err := p.Run()
	if m, ok := final.(Model); ok && m.forced {
		return ErrForced
	}
	if err != nil {
		if errors.Is(err, tea.ErrProgramKilled) && ctx.Err() != nil {
			return nil
		}
		return fmt.Errorf("tui: %w", err)
	}
	if m, ok := final.(Model); ok && m.drainErr != nil {
		return fmt.Errorf("tui: drain: %w", m.drainErr)
	}
	return nil
}

// noColorEnv reports whether the NO_COLOR convention asks for no colours.
func noColorEnv() bool { return os.Getenv("NO_COLOR") != "" }
