// Package monitor is the core of `gonvme monitor`: it keeps a persistent
// discovery controller (ctrl_loss_tmo=-1) to every configured target,
// connects every path their logs offer as connect-all does, and reacts to
// log changes, lost controllers, reloads and failures, retrying a failed
// target with capped exponential backoff for as long as it is configured.
//
// All work happens in the caller's goroutine through Step, so at most one
// connect of any path is in flight; time comes from a Clock and the kernel
// is reached only through a Host, so the reactions are tested
// deterministically. It never prints: each Step returns what it did.
package monitor
