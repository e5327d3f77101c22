//! Pure rules of motcua, free of I/O: what a dossier, a deadline or an amount of money
//! is, and which changes to them are legal.
