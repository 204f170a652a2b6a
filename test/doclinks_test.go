package test

import (
	"os"
	"path"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"unicode"
)

var (
	// mdLink is an inline Markdown link or image: its text and its target.
	mdLink = regexp.MustCompile(`!?\[([^\]]*)\]\(([^)\s]+)\)`)
	// mdCodeSpan is an inline code span, where brackets are not links.
	mdCodeSpan = regexp.MustCompile("`[^`\n]*`")
	// mdHeading is an ATX heading and its text.
	mdHeading = regexp.MustCompile(`^#{1,6}\s+(.*?)\s*#*\s*$`)
)

// docPages returns the project's documentation pages, README.md and the
// pages of docs/, as slash-separated paths relative to the repository root.
func docPages(t *testing.T) []string {
	t.Helper()
	pages, err := filepath.Glob(filepath.Join("..", "docs", "*.md"))
	if err != nil {
		t.Fatal(err)
	}
	out := []string{"README.md"}
	for _, p := range pages {
		rel, err := filepath.Rel("..", p)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, filepath.ToSlash(rel))
	}
	return out
}

// TestDocLinks checks every relative link of README.md and docs/*.md: the
// file it names exists in the repository, and its #anchor, if any, is a
// heading of that Markdown file (as GitHub names heading anchors). It also
// checks that the README links to every page of docs/.
func TestDocLinks(t *testing.T) {
	anchors := map[string]map[string]bool{} // page -> its heading anchors
	readmeLinks := map[string]bool{}        // pages the README links to
	for _, page := range docPages(t) {
		src, err := os.ReadFile(filepath.Join("..", filepath.FromSlash(page)))
		if err != nil {
			t.Fatal(err)
		}
		links := 0
		for _, l := range markdownLinks(string(src)) {
			if strings.Contains(l, "://") || strings.HasPrefix(l, "mailto:") {
				continue
			}
			links++
			file, anchor, _ := strings.Cut(l, "#")
			target := page // a bare #anchor names the page itself
			if file != "" {
				target = path.Clean(path.Join(path.Dir(page), file))
			}
			if target == ".." || strings.HasPrefix(target, "../") {
				t.Errorf("%s: link %q leaves the repository", page, l)
				continue
			}
			if page == "README.md" {
				readmeLinks[target] = true
			}
			if _, err := os.Stat(filepath.Join("..", filepath.FromSlash(target))); err != nil {
				t.Errorf("%s: link %q names %s, which does not exist", page, l, target)
				continue
			}
			if anchor == "" {
				continue
			}
			if !strings.HasSuffix(target, ".md") {
				t.Errorf("%s: link %q has an anchor into %s, which is not a Markdown page", page, l, target)
				continue
			}
			if anchors[target] == nil {
				anchors[target], err = headingAnchors(filepath.Join("..", filepath.FromSlash(target)))
				if err != nil {
					t.Fatal(err)
				}
			}
			if !anchors[target][anchor] {
				t.Errorf("%s: link %q: %s has no heading with anchor #%s", page, l, target, anchor)
			}
		}
		if page == "README.md" && links == 0 {
			t.Errorf("README.md has no relative link, want links to its docs/ pages")
		}
	}
	for _, page := range docPages(t)[1:] {
		if !readmeLinks[page] {
			t.Errorf("README.md does not link to %s", page)
		}
	}
}

// markdownLinks returns the targets of the inline links of a Markdown
// text, outside fenced code blocks and code spans.
func markdownLinks(md string) []string {
	var out []string
	fenced := false
	for _, line := range strings.Split(md, "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		if fenced {
			continue
		}
		line = mdCodeSpan.ReplaceAllString(line, "code")
		for _, m := range mdLink.FindAllStringSubmatch(line, -1) {
			out = append(out, m[2])
		}
	}
	return out
}

// headingAnchors returns the anchors GitHub gives the headings of a
// Markdown file: the heading's text without Markdown, lower-cased, without
// punctuation, spaces as hyphens, and -1, -2... after a repeated one.
func headingAnchors(file string) (map[string]bool, error) {
	src, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	anchors := map[string]bool{}
	seen := map[string]int{}
	fenced := false
	for _, line := range strings.Split(string(src), "\n") {
		if strings.HasPrefix(strings.TrimSpace(line), "```") {
			fenced = !fenced
			continue
		}
		m := mdHeading.FindStringSubmatch(line)
		if fenced || m == nil {
			continue
		}
		text := mdLink.ReplaceAllString(m[1], "$1")
		var b strings.Builder
		for _, r := range strings.ToLower(text) {
			switch {
			case r == ' ':
				b.WriteRune('-')
			case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r):
				b.WriteRune(r)
			}
		}
		a := b.String()
		if n := seen[a]; n > 0 {
			anchors[a+"-"+strconv.Itoa(n)] = true
		} else {
			anchors[a] = true
		}
		seen[a]++
	}
	return anchors, nil
}
