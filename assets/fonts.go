package assets

import _ "embed"

// NotoSansRegular and NotoSansBold are Noto Sans (SIL Open Font License,
// fonts/OFL.txt), the typeface of the PDF bills and statements: it has
// Cyrillic, «₽» and the narrow no-break space numbers are grouped with.
var (
	//go:embed fonts/NotoSans-Regular.ttf
	NotoSansRegular []byte
	//go:embed fonts/NotoSans-Bold.ttf
	NotoSansBold []byte
)
