module streamnest.bench/go-worker

go 1.19
