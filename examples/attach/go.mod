module gonvme.example/attach

go 1.26.8

require github.com/gonvme/gonvme v0.0.0

require (
	github.com/google/uuid v1.6.0 // indirect
	golang.org/x/sync v0.25.0 // indirect
	golang.org/x/sys v0.49.0 // indirect
)

replace github.com/gonvme/gonvme => ../..
