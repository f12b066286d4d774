package engine_test

import (
	"context"
	"fmt"
	"log"

	"github.com/phprun/phprun/engine"
)

// A pool of two PHP workers: start, send one job, stop.
func Example() {
	cfg := engine.DefaultConfig()
	cfg.Server.Command = []string{"php", "-n", "testdata/echo.php"}
	cfg.Pool.NumWorkers = 2

	ctx := context.Background()
	pool, err := engine.New(ctx, cfg, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close(ctx)

	resp, err := pool.Exec(ctx, engine.Payload{Context: []byte(`{"status":200}`), Body: []byte("hello")})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Printf("%s %s\n", resp.Context, resp.Body)
	resp.Release()

	st := pool.Stats()
	fmt.Println(len(st.Workers), "workers,", st.Execs, "job")
	// Output:
	// {"status":200} hello
	// 2 workers, 1 job
}
