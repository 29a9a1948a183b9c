package pdf

import (
	"testing"

	"golang.org/x/image/font/sfnt"
	"kabinet/assets"
)

func TestScratchGlyphs(t *testing.T) {
	for _, b := range [][]byte{assets.NotoSansRegular, assets.NotoSansBold} {
		f, err := sfnt.Parse(b)
		if err != nil {
			t.Fatal(err)
		}
		var buf sfnt.Buffer
		for _, r := range []rune{0x202f, 0x20bd, 0xa0, 0x2009, 0x2212, 0xab, 0xbb, 0x2116, 0x2014, 0x2013, 0xb7, 0x401, 0x451, 0x2026, 0x2191, 0x2192, 0x2713, 0x260e} {
			i, err := f.GlyphIndex(&buf, r)
			t.Logf("%U %v %v", r, i, err)
		}
	}
}
