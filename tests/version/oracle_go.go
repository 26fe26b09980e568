// tests/version/oracle_go.go - golang.org/x/mod/semver (Debian
// golang-golang-x-mod-dev) as a differential-test oracle: reads "A<TAB>B"
// lines, prints -1, 0, 1, or "error" when semver.IsValid rejects a version.
package main

import (
	"bufio"
	"fmt"
	"os"
	"strings"

	"golang.org/x/mod/semver"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		a, b, ok := strings.Cut(in.Text(), "\t")
		if !ok || !semver.IsValid(a) || !semver.IsValid(b) {
			fmt.Fprintln(out, "error")
			continue
		}
		fmt.Fprintln(out, semver.Compare(a, b))
	}
}
