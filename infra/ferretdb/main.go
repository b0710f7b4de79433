// Command ferretdb-local runs FerretDB v1 as a MongoDB-compatible database, on SQLite (default) or
// on PostgreSQL (-handler postgresql -postgresql-url …; bench/database compares both with the default). It embeds FerretDB through its public `ferretdb` package:
// a plain `go install` of FerretDB's own command refuses to start without a version file
// that only FerretDB's release tooling generates.
package main

import (
	"context"
	"flag"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:27017", "TCP address to listen on")
	dataDir := flag.String("data", "data", "directory for the SQLite databases")
	handler := flag.String("handler", "sqlite", "backend: sqlite or postgresql")
	postgresURL := flag.String("postgresql-url", "", "PostgreSQL URL for -handler postgresql, e.g. postgres://postgres@127.0.0.1:5432/postgres")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		slog.Error("bad -log-level", "error", err)
		os.Exit(2)
	}
	logger := slog.New(slog.NewJSONHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	if *handler == "sqlite" {
		if err := os.MkdirAll(*dataDir, 0o755); err != nil {
			logger.Error("cannot create data directory", "error", err)
			os.Exit(1)
		}
	}

	f, err := ferretdb.New(&ferretdb.Config{
		Listener:      ferretdb.ListenerConfig{TCP: *listen},
		Logger:        logger,
		Handler:       *handler,
		SQLiteURL:     "file:" + *dataDir + "/",
		PostgreSQLURL: *postgresURL,
	})
	if err != nil {
		logger.Error("cannot start FerretDB", "error", err)
		os.Exit(1)
	}

	// SIGTERM/SIGINT cancel the context: FerretDB stops accepting, finishes and closes its backend.
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()

	logger.Warn("FerretDB listening", "addr", *listen, "handler", *handler, "data", *dataDir)
	if err := f.Run(ctx); err != nil && ctx.Err() == nil {
		logger.Error("FerretDB stopped", "error", err)
		os.Exit(1)
	}
}
