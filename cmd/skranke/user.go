package main

import (
	"bufio"
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"strings"

	"golang.org/x/term"

	"skranke/admin"
	"skranke/auth"
	"skranke/chat"
	"skranke/internal/server"
)

const userUsage = `Usage:
  skranke user add [flags] USERNAME     create a user (an administrator with --role admin)
  skranke user passwd [flags] USERNAME  set a user's password and log them out everywhere

The password is read from the terminal (asked twice, not shown) or, when
standard input is not a terminal, from its first line: never from a flag,
which would leave it in the shell's history and the process list.

Flags of both: --data, --db and --nats, as for serve (and their SKRANKE_
variables), say which installation. 'skranke user add -h' lists the rest.
`

// console is who makes the changes of the user command in the audit log.
var console = auth.Actor{System: "command line"}

// user runs `skranke user add|passwd`.
func user(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 || (args[0] != "add" && args[0] != "passwd") {
		fmt.Fprint(stderr, userUsage)
		return errors.New("user: want add or passwd")
	}
	sub := args[0]
	fs := flag.NewFlagSet("user "+sub, flag.ContinueOnError)
	fs.SetOutput(stderr)
	var data, db, nats string
	fs.StringVar(&data, "data", "data", "data folder (SQLite database)")
	fs.StringVar(&db, "db", "", "database: empty for embedded SQLite in the data folder, or postgres://…")
	fs.StringVar(&nats, "nats", "", "NATS URL (nats://…), so that running nodes hear of the change at once")
	var n admin.NewUser
	var role, profiles string
	if sub == "add" {
		fs.StringVar(&role, "role", "agent", "agent, supervisor or admin")
		fs.StringVar(&n.DisplayName, "display-name", "", "the name customers see (default: the username)")
		fs.IntVar(&n.Capacity, "capacity", 3, "how many chats at once")
		fs.StringVar(&profiles, "profiles", "", "the profiles the user may work in, by id, comma-separated")
	}
	if err := parseWithEnv(fs, args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return fmt.Errorf("user %s: want one USERNAME", sub)
	}
	username := fs.Arg(0)
	if err := checkStore(db, nats); err != nil {
		return err
	}
	password, err := readPassword(stdin, stderr, username)
	if err != nil {
		return err
	}
	svc, closeAll, err := server.OpenAdmin(ctx, server.Config{DataDir: data, Postgres: db, NATS: nats,
		Logger: slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))})
	if err != nil {
		return err
	}
	defer closeAll()

	if sub == "passwd" {
		u, err := svc.UserByUsername(ctx, console, username)
		if err != nil {
			return fmt.Errorf("user passwd %s: %s", username, chat.ErrorMessage(err))
		}
		if err := svc.SetPassword(ctx, console, u.ID, password); err != nil {
			return fmt.Errorf("user passwd %s: %s", username, chat.ErrorMessage(err))
		}
		fmt.Fprintf(stdout, "The password of %s (%s) is set; their sessions are logged out.\n", u.DisplayName, u.Username)
		return nil
	}
	n.Username, n.Role, n.Password = username, chat.Role(role), password
	if n.DisplayName == "" {
		n.DisplayName = username
	}
	for _, p := range strings.Split(profiles, ",") {
		if p = strings.TrimSpace(p); p != "" {
			n.Profiles = append(n.Profiles, chat.ProfileID(p))
		}
	}
	u, err := svc.CreateUser(ctx, console, n)
	if err != nil {
		return fmt.Errorf("user add %s: %s", username, describe(err))
	}
	fmt.Fprintf(stdout, "Created %s %s (%s, id %s).\n", u.Role, u.DisplayName, u.Username, u.ID)
	if u.Role == chat.RoleAdmin {
		fmt.Fprintln(stdout, "Log in at /admin to set up queues, profiles and agents.")
	}
	return nil
}

// describe is an error's message, with the input it is about.
func describe(err error) string {
	e := chat.ErrorOf(err)
	if f, ok := e.Params["field"].(string); ok {
		return fmt.Sprintf("%s: %s", f, e.Message)
	}
	return e.Message
}

// readPassword reads the new password: asked twice without echo on a
// terminal, otherwise the first line of stdin.
func readPassword(stdin io.Reader, stderr io.Writer, username string) (string, error) {
	if f, ok := stdin.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		ask := func(prompt string) (string, error) {
			fmt.Fprint(stderr, prompt)
			b, err := term.ReadPassword(int(f.Fd()))
			fmt.Fprintln(stderr)
			return string(b), err
		}
		pw, err := ask(fmt.Sprintf("New password for %s: ", username))
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		again, err := ask("The same password again: ")
		if err != nil {
			return "", fmt.Errorf("read password: %w", err)
		}
		if pw != again {
			return "", errors.New("the two passwords differ")
		}
		return pw, nil
	}
	line, err := bufio.NewReader(stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", fmt.Errorf("read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", errors.New("no password on standard input")
	}
	return pw, nil
}
