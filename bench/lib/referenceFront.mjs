// Reference fronts for the proxy-overhead measurement, each in its own process in front of the same replica, so
// that the controller's added latency can be read against what any front costs on the machine:
//   http: the least a routing HTTP proxy on Node does (node:http parses the request, the body is read, undici
//         forwards it on a kept-alive connection and streams the answer back), without the controller's routing;
//   tcp:  a bare TCP relay (every byte piped both ways, no HTTP at all): the cost of one more process hop alone.
// Run as `node referenceFront.mjs http|tcp UPSTREAM_PORT`; it prints its own port on stdout.
import { createServer as createHttpServer } from "node:http";
import { connect, createServer as createTcpServer } from "node:net";
import { Agent } from "undici";

const [kind, upstreamPort] = process.argv.slice(2);
// The replica's access token (src/protocol/replicaToken.ts), passed on as the controller passes it.
const TOKEN_HEADER = "x-llmserve-replica-token";
const upstream = `http://127.0.0.1:${upstreamPort}`;
const ready = (server) => server.listen(0, "127.0.0.1", () => console.log(server.address().port));

if (kind === "http") {
  const dispatcher = new Agent({ connections: 256 });
  ready(createHttpServer((req, res) => {
    const chunks = [];
    req.on("data", (chunk) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      dispatcher.dispatch(
        {
          origin: upstream,
          path: req.url,
          method: req.method,
          headers: {
            "content-type": "application/json",
            "content-length": String(body.length),
            ...(req.headers[TOKEN_HEADER] !== undefined ? { [TOKEN_HEADER]: req.headers[TOKEN_HEADER] } : {}),
          },
          body,
        },
        {
          onRequestStart() {},
          onResponseStart(_controller, statusCode, headers) {
            const { connection, "keep-alive": keepAlive, "transfer-encoding": encoding, ...forwarded } = headers;
            res.writeHead(statusCode, forwarded);
          },
          onResponseData(_controller, chunk) {
            res.write(chunk);
          },
          onResponseEnd() {
            res.end();
          },
          onResponseError(_controller, error) {
            res.destroy(error);
          },
        },
      );
    });
  }));
} else if (kind === "tcp") {
  ready(createTcpServer((client) => {
    const replica = connect(Number(upstreamPort), "127.0.0.1");
    client.setNoDelay(true);
    replica.setNoDelay(true);
    client.pipe(replica).pipe(client);
    client.on("error", () => replica.destroy());
    replica.on("error", () => client.destroy());
  }));
} else {
  console.error("usage: node referenceFront.mjs http|tcp UPSTREAM_PORT");
  process.exit(2);
}
