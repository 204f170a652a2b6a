// The go list results kept between syntheses, so that an unchanged function costs file reads, not a go command.

package gofunction

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/httpapi-cdk/httpapi/internal/gosource"
)

// A go list result is reused, in this process (listMemo) or in a later
// one (this file's cache), only when the fingerprint of its sources is
// the one it was stored with. The fingerprint covers everything go list's
// answer depends on besides the go command's context: the content of the
// source files of every package directory that is not in the module
// cache (build constraints, a Go file's imports and embed patterns), the
// entries of those directories and of the embedded ones (a new file), the
// content or absence of go.mod, go.sum, go.work, go.work.sum and
// vendor/modules.txt (versions, replacements, vendoring), and the absence
// of a go.mod between each package directory and its module's root (a
// nested module takes the package out of its module). The context is the
// cache key: the go command's environment, the working directory, the
// go.mod and go.work files from there up, the go env file (contextKey),
// the Go version and the build tags. Module cache packages are pinned by
// go.sum and go.mod.
//
// A result is stored only when every file and directory the fingerprint
// covers was last modified at least settleTime before go list started:
// then go list read the same content as the fingerprint did, even on a
// file system whose timestamps are coarse. A result listed while a file
// was being edited is used for its own build (which checks its sources
// again afterwards) and not kept.
const settleTime = 2 * time.Second

// listCacheEntry is a stored go list result: of the packages, only the
// main package, which is all resolve reads of them once they are checked.
type listCacheEntry struct {
	Main        gosource.Package
	Sources     *gosource.Sources
	Fingerprint string
}

// listCacheMaxAge is the age at which an entry is removed, used or not
// (its key holds the go command's environment, which a new GOPATH or PATH
// changes for good); it is listed again when needed.
const listCacheMaxAge = 30 * 24 * time.Hour

// listCacheFormat names the format of the entries: a new format has
// other file names.
const listCacheFormat = "gofunction go list 1"

// listCacheFile is the file of the cache entry for memoKey, under the
// user cache directory, one directory per Go version: apart from the
// asset cache, whose directories are all assets.
func listCacheFile(goVersion, memoKey string) string {
	cache, err := os.UserCacheDir()
	if err != nil {
		cache = os.TempDir()
	}
	sum := sha256.Sum256([]byte(listCacheFormat + "\x00" + memoKey))
	return filepath.Join(cache, "httpapi-gofunction-sources", goVersion, hex.EncodeToString(sum[:])+".json")
}

// loadListed returns the stored go list result for memoKey if its
// sources' fingerprint is still the one stored with it.
func loadListed(goVersion, memoKey string) (*listed, bool) {
	data, err := os.ReadFile(listCacheFile(goVersion, memoKey))
	if err != nil {
		return nil, false
	}
	var e listCacheEntry
	if json.Unmarshal(data, &e) != nil || e.Sources == nil || e.Main.ImportPath == "" {
		return nil, false
	}
	if fp, err := fingerprint(e.Sources); err != nil || fp != e.Fingerprint {
		return nil, false
	}
	return &listed{pkgs: []gosource.Package{e.Main}, src: e.Sources, fingerprint: e.Fingerprint}, true
}

// storeListed stores l for memoKey, written to a file of its own and
// renamed into place: a concurrent reader sees a whole entry or none.
// Errors are ignored: the cache only saves time.
func storeListed(goVersion, memoKey string, l *listed) {
	file := listCacheFile(goVersion, memoKey)
	e := listCacheEntry{Sources: l.src, Fingerprint: l.fingerprint}
	for _, p := range l.pkgs {
		if !p.DepOnly {
			e.Main = p
		}
	}
	data, err := json.Marshal(e)
	if err != nil || os.MkdirAll(filepath.Dir(file), 0o755) != nil {
		return
	}
	pruneOnce.Do(func() { pruneListCache(filepath.Dir(file)) })
	tmp, err := os.CreateTemp(filepath.Dir(file), tmpPrefix)
	if err != nil {
		return
	}
	_, werr := tmp.Write(data)
	if cerr := tmp.Close(); werr != nil || cerr != nil || os.Rename(tmp.Name(), file) != nil {
		os.Remove(tmp.Name())
	}
}

// pruneOnce prunes the cache once per process.
var pruneOnce sync.Once

// pruneListCache removes the entries of dir older than listCacheMaxAge,
// and the temporary files of writers killed over an hour ago.
func pruneListCache(dir string) {
	entries, _ := os.ReadDir(dir)
	for _, e := range entries {
		info, err := e.Info()
		if err != nil {
			continue
		}
		age := time.Since(info.ModTime())
		if age > listCacheMaxAge || strings.HasPrefix(e.Name(), tmpPrefix) && age > time.Hour {
			os.Remove(filepath.Join(dir, e.Name()))
		}
	}
}

// settledBefore reports whether every file and directory the fingerprint
// of src covers was last modified before t.
func settledBefore(src *gosource.Sources, t time.Time) bool {
	old := func(path string) bool {
		st, err := os.Stat(path)
		return err != nil || st.ModTime().Before(t) // absent: its creation is a change of its directory
	}
	for _, d := range src.Dirs {
		if !old(d.Path) {
			return false
		}
		if !d.Package {
			continue
		}
		entries, err := os.ReadDir(d.Path)
		if err != nil {
			return false
		}
		for _, e := range entries {
			if contentHashed(d, e) && !old(filepath.Join(d.Path, e.Name())) {
				return false
			}
		}
	}
	for _, f := range src.Files {
		if f.Kind == gosource.ModuleFile && !old(f.Path) {
			return false
		}
	}
	return true
}
