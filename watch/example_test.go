package watch_test

import (
	"context"
	"log"
	"os/signal"
	"syscall"

	"github.com/phprun/phprun/watch"
)

// How `phprun dev` wires the watcher: one reload per batch.
func Example() {
	cfg := watch.DefaultConfig()
	cfg.Ignore = append(cfg.Ignore, "public/uploads") // http.uploads.dir
	w, err := watch.New(".", cfg)
	if err != nil {
		log.Fatal(err) // e.g. watch: watch.dirs "src": stat /app/src: no such file or directory
	}
	log.Print(w.Info()) // watching 412 files in 87 dirs with fsnotify

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	go func() {
		for b := range w.Batches() {
			log.Printf("%d files changed, first %s: reloading", len(b.Paths), b.Paths[0])
			// pool.Reload(ctx, "files changed")
		}
	}()
	if err := w.Run(ctx); err != nil {
		log.Fatal(err)
	}
}
