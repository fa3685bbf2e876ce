// Command ferretdb serves the MongoDB wire protocol on loopback for the tests: FerretDB
// embedded with its SQLite backend, since no mongod can be installed on these machines.
package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

func main() {
	dataDir := flag.String("data-dir", "", "folder for the SQLite files (one per database); created if missing")
	port := flag.Int("port", 0, "TCP port on 127.0.0.1; 0 picks a free one")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error (to stderr)")
	stopOnStdinClose := flag.Bool("stop-on-stdin-close", false,
		"stop when stdin reaches EOF, so a harness that dies without SIGTERM leaves no server behind")
	flag.Parse()

	if err := run(*dataDir, *port, *logLevel, *stopOnStdinClose); err != nil {
		fmt.Fprintln(os.Stderr, "ferretdb:", err)
		os.Exit(1)
	}
}

func run(dataDir string, port int, logLevel string, stopOnStdinClose bool) error {
	if dataDir == "" {
		return fmt.Errorf("-data-dir is required")
	}
	if port < 0 || port > 65535 {
		return fmt.Errorf("-port must be 0..65535, got %d", port)
	}
	var level slog.Level
	if err := level.UnmarshalText([]byte(logLevel)); err != nil {
		return fmt.Errorf("-log-level: %w", err)
	}
	dir, err := filepath.Abs(dataDir)
	if err != nil {
		return fmt.Errorf("-data-dir: %w", err)
	}
	// FerretDB's SQLite backend refuses a folder that does not exist yet.
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("-data-dir: %w", err)
	}

	// ferretdb.New turns telemetry off itself and keeps its state in memory only, so the
	// data folder holds nothing but the databases.
	f, err := ferretdb.New(&ferretdb.Config{
		Listener:  ferretdb.ListenerConfig{TCP: net.JoinHostPort("127.0.0.1", strconv.Itoa(port))},
		Logger:    slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level})),
		Handler:   "sqlite",
		SQLiteURL: "file:" + dir + "/",
	})
	if err != nil {
		return err
	}

	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGTERM, syscall.SIGINT)
	defer stop()
	if stopOnStdinClose {
		go func() {
			_, _ = io.Copy(io.Discard, os.Stdin)
			stop()
		}()
	}

	// New has bound the listener already, so the address is final; one JSON line on stdout
	// is how a harness that asked for port 0 learns the port.
	uri := f.MongoDBURI()
	parsed, err := url.Parse(uri)
	if err != nil {
		return fmt.Errorf("FerretDB's own URI %q: %w", uri, err)
	}
	line, _ := json.Marshal(map[string]string{"listening": parsed.Host, "url": uri})
	fmt.Println(string(line))

	return f.Run(ctx)
}
