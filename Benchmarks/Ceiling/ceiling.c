/*
 * The ceiling of per-event writes on this machine: a minimal HTTP/1.1 server that answers every
 * request with the same SSE body, one send(2) per event and nothing else (no parsing beyond the
 * request's length, no JSON, no journal). The benchmark serves the body that `stream-replay serve`
 * sent, so both put the same bytes on the wire in the same writes: the response head, each event
 * as one chunk (`size\r\n<event>\r\n`), then the last chunk.
 *
 * Usage: ceiling PORT BODY-FILE     (PORT 0 picks a free one; prints "listening on PORT")
 * Binds 127.0.0.1 only. One thread per connection, keep-alive, TCP_NODELAY as in SwiftNIO.
 */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <ctype.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

struct piece {
    char *bytes;
    size_t length;
};

static struct piece *pieces;
static size_t piece_count;

static const char head[] = "HTTP/1.1 200 OK\r\n"
                           "content-type: text/event-stream; charset=utf-8\r\n"
                           "cache-control: no-cache\r\n"
                           "transfer-encoding: chunked\r\n\r\n";
static const char last_chunk[] = "0\r\n\r\n";

static int send_all(int fd, const char *bytes, size_t length) {
    while (length > 0) {
        ssize_t sent = send(fd, bytes, length, MSG_NOSIGNAL);
        if (sent <= 0) return -1;
        bytes += sent;
        length -= (size_t)sent;
    }
    return 0;
}

/* Splits the body after every blank line ("\n\n") and frames each event as one HTTP chunk. */
static void load_pieces(const char *path) {
    FILE *file = fopen(path, "rb");
    if (!file) {
        perror(path);
        exit(2);
    }
    fseek(file, 0, SEEK_END);
    long size = ftell(file);
    fseek(file, 0, SEEK_SET);
    char *body = malloc((size_t)size + 1);
    if (!body || fread(body, 1, (size_t)size, file) != (size_t)size) {
        fprintf(stderr, "cannot read %s\n", path);
        exit(2);
    }
    fclose(file);
    pieces = calloc((size_t)size + 1, sizeof(struct piece));
    size_t start = 0;
    for (size_t i = 0; i < (size_t)size; i++) {
        int end_of_event = i + 1 < (size_t)size && body[i] == '\n' && body[i + 1] == '\n';
        if (!end_of_event && i + 1 != (size_t)size) continue;
        size_t stop = end_of_event ? i + 2 : i + 1;
        size_t length = stop - start;
        char *framed = malloc(length + 32);
        int prefix = snprintf(framed, 32, "%zx\r\n", length);
        memcpy(framed + prefix, body + start, length);
        memcpy(framed + prefix + length, "\r\n", 2);
        pieces[piece_count].bytes = framed;
        pieces[piece_count].length = (size_t)prefix + length + 2;
        piece_count++;
        start = stop;
        i = stop - 1;
    }
    free(body);
}

/* The value of Content-Length in a request head, or 0. */
static size_t content_length(const char *request, size_t head_length) {
    const char *line = request;
    const char *end = request + head_length;
    while (line < end) {
        const char *next = memchr(line, '\n', (size_t)(end - line));
        if (!next) break;
        if ((size_t)(next - line) > 15 && strncasecmp(line, "content-length:", 15) == 0) {
            return (size_t)strtoul(line + 15, NULL, 10);
        }
        line = next + 1;
    }
    return 0;
}

static void *serve_connection(void *argument) {
    int fd = (int)(long)argument;
    char buffer[65536];
    size_t filled = 0;
    for (;;) {
        /* Read until the head and its body are in; a request larger than the buffer is refused. */
        char *head_end = NULL;
        size_t needed = 0;
        for (;;) {
            if (!head_end) {
                buffer[filled] = 0;
                char *found = filled >= 4 ? memmem(buffer, filled, "\r\n\r\n", 4) : NULL;
                if (found) {
                    head_end = found + 4;
                    needed = (size_t)(head_end - buffer) + content_length(buffer, (size_t)(head_end - buffer));
                    if (needed >= sizeof(buffer)) goto done;
                }
            }
            if (head_end && filled >= needed) break;
            if (filled >= sizeof(buffer) - 1) goto done;
            ssize_t got = recv(fd, buffer + filled, sizeof(buffer) - 1 - filled, 0);
            if (got <= 0) goto done;
            filled += (size_t)got;
        }
        if (send_all(fd, head, sizeof(head) - 1) != 0) goto done;
        for (size_t i = 0; i < piece_count; i++) {
            if (send_all(fd, pieces[i].bytes, pieces[i].length) != 0) goto done;
        }
        if (send_all(fd, last_chunk, sizeof(last_chunk) - 1) != 0) goto done;
        memmove(buffer, buffer + needed, filled - needed);
        filled -= needed;
    }
done:
    close(fd);
    return NULL;
}

int main(int argc, char **argv) {
    if (argc != 3) {
        fprintf(stderr, "usage: %s PORT BODY-FILE\n", argv[0]);
        return 2;
    }
    signal(SIGPIPE, SIG_IGN);
    load_pieces(argv[2]);
    int listener = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
    struct sockaddr_in address = {0};
    address.sin_family = AF_INET;
    address.sin_port = htons((uint16_t)atoi(argv[1]));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(listener, (struct sockaddr *)&address, sizeof(address)) != 0 || listen(listener, 4096) != 0) {
        perror("bind");
        return 2;
    }
    socklen_t length = sizeof(address);
    getsockname(listener, (struct sockaddr *)&address, &length);
    printf("listening on %d\n", ntohs(address.sin_port));
    fflush(stdout);
    for (;;) {
        int fd = accept(listener, NULL, NULL);
        if (fd < 0) continue;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        pthread_attr_setstacksize(&attributes, 256 * 1024);
        if (pthread_create(&thread, &attributes, serve_connection, (void *)(long)fd) != 0) close(fd);
        pthread_attr_destroy(&attributes);
    }
}
