# syntax=docker/dockerfile:1

# Build: docker build --build-arg VERSION=$(git describe --tags --always) -t pipbot .
# Run:   docker run -p 8080:8080 -v pipbot-data:/var/lib/pipbot --env-file .env pipbot

FROM --platform=$BUILDPLATFORM golang:1.26-bookworm AS build
WORKDIR /src

# Dependencies first, so editing code does not refetch modules.
COPY go.mod go.sum ./
RUN --mount=type=cache,target=/go/pkg/mod go mod download

COPY . .
ARG VERSION=dev
ARG TARGETOS
ARG TARGETARCH
RUN --mount=type=cache,target=/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    CGO_ENABLED=0 GOOS=$TARGETOS GOARCH=$TARGETARCH \
    go build -trimpath -ldflags="-s -w -X main.version=${VERSION}" -o /out/pipbot ./cmd/pipbot

# The data directory must exist and belong to the non-root user before the
# final stage, which has no shell to create it.
RUN mkdir -p /out/data

# distroless/static: CA certificates, tzdata and /etc/passwd with nonroot
# (65532), nothing else.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/pipbot /pipbot
COPY --from=build --chown=65532:65532 /out/data /var/lib/pipbot
WORKDIR /var/lib/pipbot
USER 65532:65532
ENV PIPBOT_DB=sqlite:///var/lib/pipbot/pipbot.db
EXPOSE 8080
ENTRYPOINT ["/pipbot"]
CMD ["serve"]
