module example.com/kensa-fixture

go 1.19

require (
	github.com/google/uuid v1.3.0
	golang.org/x/text v0.7.0
	example.com/local v0.0.0
)


replace example.com/local => ./local
