package app

// The sections still to be written; sections() leaves nil ones out of the
// menu. Each is replaced by its own file.
var (
	screenNews          func(*UI) Screen
	screenAbout         func(*UI) Screen
	screenMainData      func(*UI) Screen
	screenServices      func(*UI) Screen
	screenInvoices      func(*UI) Screen
	screenPayments      func(*UI) Screen
	screenContract      func(*UI) Screen
	screenMeters        func(*UI) Screen
	screenReading       func(*UI) Screen
	screenStatement     func(*UI) Screen
	screenSubscriptions func(*UI) Screen
	screenSettings      func(*UI) Screen
	screenContacts      func(*UI) Screen
	screenSearch        func(*UI) Screen
	screenQuestion      func(*UI) Screen
	screenHelp          func(*UI) Screen
)
