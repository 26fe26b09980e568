// modlevel: the module-level vulnerabilities of a Go binary, decided by the
// Go project's own client library (golang.org/x/vuln 0.0~git20230201, as
// Debian ships it with govulncheck): the binary's build info (debug/buildinfo)
// gives each dependency module and the Go toolchain version (module
// "stdlib"); client.GetByModule reads the database govulncheck reads, and
// osv.Affects.AffectsSemver decides each entry. No symbol or package
// filtering: this is what a module-level scanner (kensa) must report.
//
// Usage: modlevel DBURL BINARY; prints one JSON object per line:
// {"id", "aliases", "module", "version", "withdrawn"}.
package main

import (
	"context"
	"debug/buildinfo"
	"encoding/json"
	"fmt"
	"os"
	"strings"

	"golang.org/x/vuln/client"
)

type out struct {
	ID        string   `json:"id"`
	Aliases   []string `json:"aliases"`
	Module    string   `json:"module"`
	Version   string   `json:"version"`
	Withdrawn bool     `json:"withdrawn"`
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: modlevel DBURL BINARY")
		os.Exit(2)
	}
	bi, err := buildinfo.ReadFile(os.Args[2])
	if err != nil {
		fmt.Fprintln(os.Stderr, "modlevel:", err)
		os.Exit(1)
	}
	c, err := client.NewClient([]string{os.Args[1]}, client.Options{})
	if err != nil {
		fmt.Fprintln(os.Stderr, "modlevel:", err)
		os.Exit(1)
	}
	mods := map[string]string{"stdlib": "v" + strings.TrimPrefix(bi.GoVersion, "go")}
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		mods[d.Path] = d.Version
	}
	enc := json.NewEncoder(os.Stdout)
	for path, ver := range mods {
		es, err := c.GetByModule(context.Background(), path)
		if err != nil {
			fmt.Fprintln(os.Stderr, "modlevel:", err)
			os.Exit(1)
		}
		for _, e := range es {
			for _, a := range e.Affected {
				if a.Package.Name != path || !a.Ranges.AffectsSemver(ver) {
					continue
				}
				_ = enc.Encode(out{e.ID, e.Aliases, path, ver, e.Withdrawn != nil})
				break
			}
		}
	}
}
