module streamnest.bench/go-hub

go 1.19
