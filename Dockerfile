# The Grafana access-control emulator (internal/emulator) as a container: a
# licence-free, Grafana-shaped endpoint for the acceptance tests and the demo.
#   docker build -t grafana-emulator . && docker run --rm -p 127.0.0.1:3000:3000 grafana-emulator
#   docker run --rm -p 127.0.0.1:3000:3000 grafana-emulator --generation 8
# compose.yaml builds and starts it with `docker compose up`.
FROM golang:1.26 AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -o /out/grafana-emulator ./internal/emulator/cmd/grafana-emulator

# Alpine rather than scratch: its wget serves the health check.
FROM alpine:3.22
COPY --from=build /out/grafana-emulator /usr/local/bin/grafana-emulator
USER 65534:65534
EXPOSE 3000
HEALTHCHECK --interval=2s --timeout=2s --retries=15 CMD wget -qO- http://127.0.0.1:3000/api/health || exit 1
# Listens on every interface of the container; publish the port on loopback.
ENTRYPOINT ["grafana-emulator", "--addr", "0.0.0.0:3000"]
CMD ["--generation", "12"]
