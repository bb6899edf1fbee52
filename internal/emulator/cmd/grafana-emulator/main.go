// Command grafana-emulator serves the Grafana access-control emulator:
//
//	go run ./internal/emulator/cmd/grafana-emulator --addr 127.0.0.1:3000 --generation 12
//
// It prints one line with its URL once listening and stops on SIGINT or SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/grafanarbac/terraform-provider-grafanarbac/internal/emulator"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "grafana-emulator:", err)
		os.Exit(2)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("grafana-emulator", flag.ContinueOnError)
	addr := fs.String("addr", "127.0.0.1:3000", "listen address (port 0 picks a free port)")
	generation := fs.Int("generation", 12, "Grafana to emulate: 8 (API generation 1), 12 or 13 (generation 2)")
	grafanaVersion := fs.String("grafana-version", "", "Grafana version to report and follow where rules changed within a generation (e.g. 13.3.0); default 8.5.27, 12.3.0 or 13.0.0")
	login := fs.String("admin-user", "admin", "login of the server admin")
	password := fs.String("admin-password", "admin", "password of the server admin")
	errorRate := fs.Float64("error-rate", 0, "fraction of /api/access-control requests answered 500")
	tooMany := fs.Float64("429-rate", 0, "fraction of /api/access-control requests answered 429")
	lostAnswer := fs.Float64("lost-answer-rate", 0, "fraction of /api/access-control requests carried out and then answered 500")
	retryAfter := fs.Duration("retry-after", time.Second, "Retry-After sent with a 429")
	latency := fs.Duration("latency", 0, "latency added to every /api/access-control request")
	seed := fs.Int64("seed", 1, "seed of the fault draws")
	readyFile := fs.String("ready-file", "", "write the URL to this file once listening")
	adminRoles := fs.String("admin-roles", "", "comma-separated fixed roles granted to the admin at start (e.g. fixed:roles:resetter)")
	provisioningDir := fs.String("provisioning", "", "apply the access-control provisioning files (*.yaml) of this directory at start")
	teams := fs.String("teams", "", "comma-separated teams of org 1 that exist at start, before provisioning")
	if err := fs.Parse(args); err != nil {
		return err
	}
	switch *generation {
	case 8, 12, 13:
	default:
		return fmt.Errorf("--generation %d: want 8, 12 or 13", *generation)
	}
	if *errorRate < 0 || *tooMany < 0 || *lostAnswer < 0 || *errorRate+*tooMany+*lostAnswer > 1 {
		return errors.New("--error-rate, --429-rate and --lost-answer-rate must be fractions summing to at most 1")
	}
	var roles []string
	if *adminRoles != "" {
		roles = strings.Split(*adminRoles, ",")
	}

	var teamNames []string
	if *teams != "" {
		teamNames = strings.Split(*teams, ",")
	}

	cfg := emulator.Config{
		Generation: *generation, Version: *grafanaVersion, AdminLogin: *login, AdminPassword: *password, AdminRoles: roles,
		ProvisioningDir: *provisioningDir, Teams: teamNames,
		Faults: emulator.Faults{
			ErrorRate: *errorRate, TooManyRate: *tooMany, LostAnswerRate: *lostAnswer,
			RetryAfter: *retryAfter, Latency: *latency, Seed: *seed,
		},
	}
	srv, err := newServer(*addr, cfg)
	if err != nil {
		return err
	}
	defer srv.Close()

	// Signals are caught before anyone is told the server is ready.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	if *readyFile != "" {
		if err := writeAtomic(*readyFile, srv.URL); err != nil {
			return err
		}
	}
	fmt.Printf("grafana-emulator listening on %s (generation %d, Grafana %s)\n", srv.URL, *generation, srv.Emulator.Version())
	<-ctx.Done()
	return nil
}

// newServer turns a bad admin role name (a panic in the library) into an error.
func newServer(addr string, cfg emulator.Config) (srv *emulator.Server, err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%v", r)
		}
	}()
	return emulator.NewServerAt(addr, cfg)
}

// writeAtomic lets a script that polls for the file never read half of it.
func writeAtomic(path, content string) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), ".ready-*")
	if err != nil {
		return err
	}
	if _, err := tmp.WriteString(content); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), path)
}
