// Command gendocs writes gonvme's manual pages and its bash and zsh
// completion scripts from the command definitions in internal/cli, so that
// they always list the commands and flags the binary accepts.
//
//	go run ./internal/tools/gendocs -version VERSION -man DIR [-gzip] -bash FILE -zsh FILE
//
// The pages' date comes from SOURCE_DATE_EPOCH when it is set (else today),
// and -gzip writes reproducible .gz files (no name, no time stamp), so the
// same sources give the same bytes.
package main

import (
	"bytes"
	"compress/gzip"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"time"

	gonvmecli "github.com/gonvme/gonvme/internal/cli"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintf(os.Stderr, "gendocs: %v\n", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("gendocs", flag.ContinueOnError)
	version := fs.String("version", "dev", "version shown in the pages' footer")
	manDir := fs.String("man", "", "write the manual pages into `DIR`")
	gz := fs.Bool("gzip", false, "gzip the manual pages (NAME.8.gz)")
	bashFile := fs.String("bash", "", "write the bash completion script to `FILE`")
	zshFile := fs.String("zsh", "", "write the zsh completion script to `FILE`")
	if err := fs.Parse(args); err != nil {
		return err
	}
	if fs.NArg() > 0 {
		return fmt.Errorf("unexpected argument %q", fs.Arg(0))
	}
	if *manDir == "" && *bashFile == "" && *zshFile == "" {
		return errors.New("nothing to do: give -man, -bash or -zsh")
	}
	date, err := pageDate(os.Getenv("SOURCE_DATE_EPOCH"), time.Now())
	if err != nil {
		return err
	}
	d := build(*version, date)

	if *manDir != "" {
		if err := os.MkdirAll(*manDir, 0o755); err != nil {
			return err
		}
		for _, p := range pages(d) {
			name, data := p.Name, []byte(p.Text)
			if *gz {
				name += ".gz"
				if data, err = gzipped(data); err != nil {
					return err
				}
			}
			if err := os.WriteFile(filepath.Join(*manDir, name), data, 0o644); err != nil {
				return err
			}
		}
	}
	for _, out := range []struct{ file, text string }{{*bashFile, bashScript(d)}, {*zshFile, zshScript(d)}} {
		if out.file == "" {
			continue
		}
		if err := os.MkdirAll(filepath.Dir(out.file), 0o755); err != nil {
			return err
		}
		if err := os.WriteFile(out.file, []byte(out.text), 0o644); err != nil {
			return err
		}
	}
	return nil
}

// build reads the command tree the binary runs.
func build(version, date string) doc {
	app := gonvmecli.Definition(version)
	app.Setup()
	return model(app, version, date)
}

// pageDate is the date in the pages' header: SOURCE_DATE_EPOCH's day in UTC
// when set, else now's.
func pageDate(epoch string, now time.Time) (string, error) {
	t := now
	if epoch != "" {
		n, err := strconv.ParseInt(epoch, 10, 64)
		if err != nil {
			return "", fmt.Errorf("SOURCE_DATE_EPOCH=%q is not a number of seconds", epoch)
		}
		t = time.Unix(n, 0)
	}
	return t.UTC().Format("2006-01-02"), nil
}

// gzipped compresses data with no file name and a zero time in the
// header, so the output depends on data alone.
func gzipped(data []byte) ([]byte, error) {
	var buf bytes.Buffer
	zw, err := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(data); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
