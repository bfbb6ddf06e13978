// A Web Serial SerialPort look-alike (what esptool-js's Transport uses of one) over an RFC 2217 connection:
// telnet (RFC 854) with the COM-PORT-OPTION (RFC 2217) for the baud rate and the DTR/RTS lines.
// Serial bytes travel as telnet data, 0xFF doubled (IAC IAC). The server answers each COM-PORT-OPTION command
// with the command number + 100 and the value now in effect; the port waits for that answer, like pyserial's
// rfc2217 client, so the control-line changes of a reset reach the chip in order and at their time.
import net from "node:net";

const IAC = 255;
const DONT = 254;
const DO = 253;
const WONT = 252;
const WILL = 251;
const SB = 250;
const SE = 240;

const BINARY = 0;
const SGA = 3; // suppress go ahead
const COM_PORT_OPTION = 44;

const SET_BAUDRATE = 1;
const SET_DATASIZE = 2;
const SET_PARITY = 3;
const SET_STOPSIZE = 4;
const SET_CONTROL = 5;
const SERVER_OFFSET = 100;

const DATASIZE_8 = 8;
const PARITY_NONE = 1;
const STOPSIZE_1 = 1;
const CONTROL_FLOW_NONE = 1;
const CONTROL_BREAK_ON = 5;
const CONTROL_BREAK_OFF = 6;
const CONTROL_DTR_ON = 8;
const CONTROL_DTR_OFF = 9;
const CONTROL_RTS_ON = 11;
const CONTROL_RTS_OFF = 12;

/** How long the server may take to confirm the option or answer a COM-PORT-OPTION command. */
const ANSWER_TIMEOUT_MS = 3000;

/** "rfc2217://HOST:PORT" */
export function parseRfc2217Url(url) {
  const match = /^rfc2217:\/\/([^:/]+):(\d+)\/?$/.exec(url);
  if (!match) {
    throw new Error(`'${url}' is not rfc2217://HOST:PORT`);
  }

  return { host: match[1], port: Number(match[2]) };
}

export async function openRfc2217Port(url) {
  const { host, port } = parseRfc2217Url(url);
  const socket = await new Promise((resolve, reject) => {
    const s = net.connect({ host, port }, () => resolve(s));
    s.on("error", (e) => reject(new Error(`cannot connect to the RFC 2217 server ${url}: ${e.message}`)));
  });
  socket.setNoDelay(true);
  const serial = new Rfc2217SerialPort(socket, url);
  await serial.negotiate();
  return serial;
}

/** Splits what the server sends into serial bytes, option negotiation and sub-negotiations. */
class TelnetDecoder {
  constructor({ onData, onCommand, onSubnegotiation }) {
    Object.assign(this, { onData, onCommand, onSubnegotiation });
    this.state = "data";
    this.verb = 0;
    this.sub = [];
  }

  push(chunk) {
    const data = [];
    for (const byte of chunk) {
      switch (this.state) {
        case "data":
          if (byte === IAC) this.state = "iac";
          else data.push(byte);
          break;
        case "iac":
          if (byte === IAC) {
            data.push(IAC);
            this.state = "data";
          } else if (byte === SB) {
            this.sub = [];
            this.state = "sb";
          } else if (byte >= WILL && byte <= DONT) {
            this.verb = byte;
            this.state = "option";
          } else {
            this.state = "data"; // NOP, GA and the like carry nothing for a serial port
          }
          break;
        case "option":
          this.flush(data);
          this.onCommand(this.verb, byte);
          this.state = "data";
          break;
        case "sb":
          if (byte === IAC) this.state = "sb-iac";
          else this.sub.push(byte);
          break;
        case "sb-iac":
          if (byte === SE) {
            this.flush(data);
            this.onSubnegotiation(this.sub);
            this.state = "data";
          } else {
            this.sub.push(byte); // IAC IAC inside a sub-negotiation is one 0xFF
            this.state = "sb";
          }
          break;
      }
    }

    this.flush(data);
  }

  flush(data) {
    if (data.length > 0) {
      this.onData(Uint8Array.from(data));
      data.length = 0;
    }
  }
}

function escapeIac(bytes) {
  if (!bytes.includes(IAC)) {
    return bytes;
  }

  const out = [];
  for (const b of bytes) {
    out.push(b);
    if (b === IAC) out.push(IAC);
  }

  return Uint8Array.from(out);
}

class Rfc2217SerialPort {
  constructor(socket, url) {
    this.socket = socket;
    this.url = url;
    this.readable = null;
    this.writable = null;
    this.controller = null;
    this.comPortAccepted = null; // resolved with true (DO) or false (DONT)
    this.answers = new Map(); // server command -> queue of waiting resolvers
    this.enabled = new Set(); // options we have said WILL / DO for, to answer each request once
    this.closed = false;
    this.lines = { dtr: null, rts: null }; // as last confirmed by the server
    this.decoder = new TelnetDecoder({
      onData: (bytes) => this.deliver(bytes),
      onCommand: (verb, option) => this.onCommand(verb, option),
      onSubnegotiation: (bytes) => this.onSubnegotiation(bytes),
    });
    socket.on("data", (chunk) => this.decoder.push(chunk));
    socket.on("close", () => {
      this.closed = true;
      for (const queue of this.answers.values()) queue.forEach((w) => w.fail(new Error(`${this.url} closed the connection`)));
      this.answers.clear();
      this.comPortAccepted?.settle("closed");
    });
  }

  deliver(bytes) {
    if (!this.controller) return; // a closed port drops what arrives, like a UART nobody reads
    try {
      this.controller.enqueue(bytes);
    } catch {
      this.controller = null;
    }
  }

  sendTelnet(...bytes) {
    this.socket.write(Uint8Array.from(bytes));
  }

  onCommand(verb, option) {
    const supported = option === BINARY || option === SGA || option === COM_PORT_OPTION;
    if (verb === DO || verb === DONT) {
      if (option === COM_PORT_OPTION) this.comPortAccepted?.settle(verb === DO);
      if (verb === DO && supported && !this.enabled.has(`will ${option}`)) {
        this.enabled.add(`will ${option}`);
        this.sendTelnet(IAC, WILL, option);
      } else if (verb === DO && !supported) {
        this.sendTelnet(IAC, WONT, option);
      }
    } else if (verb === WILL) {
      if (option === BINARY || option === SGA) {
        if (!this.enabled.has(`do ${option}`)) {
          this.enabled.add(`do ${option}`);
          this.sendTelnet(IAC, DO, option);
        }
      } else {
        this.sendTelnet(IAC, DONT, option);
      }
    }
  }

  onSubnegotiation(bytes) {
    if (bytes[0] !== COM_PORT_OPTION || bytes.length < 2) {
      return;
    }

    const queue = this.answers.get(bytes[1]);
    const waiter = queue?.shift();
    waiter?.settle(Uint8Array.from(bytes.slice(2)));
  }

  /** Asks for binary both ways, no go-ahead, and the COM-PORT-OPTION; fails if the server refuses the latter. */
  async negotiate() {
    let settle;
    const accepted = new Promise((resolve) => (settle = resolve));
    this.comPortAccepted = { settle };
    for (const option of [BINARY, SGA, COM_PORT_OPTION]) {
      this.enabled.add(`will ${option}`);
      this.sendTelnet(IAC, WILL, option);
    }

    for (const option of [BINARY, SGA]) {
      this.enabled.add(`do ${option}`);
      this.sendTelnet(IAC, DO, option);
    }

    const timer = setTimeout(() => settle(null), ANSWER_TIMEOUT_MS);
    const answer = await accepted;
    clearTimeout(timer);
    if (answer !== true) {
      this.socket.destroy();
      const why = {
        null: `did not answer the telnet COM-PORT-OPTION request within ${ANSWER_TIMEOUT_MS} ms: is it an RFC 2217 server?`,
        closed: "closed the connection before accepting the telnet COM-PORT-OPTION: is the port busy?",
        false: "refused the telnet COM-PORT-OPTION: it is not an RFC 2217 server",
      }[String(answer)];
      throw new Error(`${this.url} ${why}`);
    }
  }

  /** Sends one COM-PORT-OPTION command and waits for the server's answer (the value now in effect). */
  async comPort(command, value, what) {
    if (this.closed) {
      throw new Error(`${this.url} is closed`);
    }

    const answer = new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        const queue = this.answers.get(command + SERVER_OFFSET);
        queue?.splice(queue.indexOf(waiter), 1);
        reject(new Error(`${this.url} did not confirm ${what} within ${ANSWER_TIMEOUT_MS} ms`));
      }, ANSWER_TIMEOUT_MS);
      const waiter = {
        settle: (v) => (clearTimeout(timer), resolve(v)),
        fail: (e) => (clearTimeout(timer), reject(e)),
      };
      const key = command + SERVER_OFFSET;
      if (!this.answers.has(key)) this.answers.set(key, []);
      this.answers.get(key).push(waiter);
    });
    this.socket.write(Uint8Array.from([IAC, SB, COM_PORT_OPTION, command, ...escapeIac(value), IAC, SE]));
    return answer;
  }

  getInfo() {
    return {};
  }

  async open(options) {
    const port = this;
    this.readable = new ReadableStream({
      start(controller) {
        port.controller = controller;
      },
      cancel() {
        port.controller = null;
      },
    });
    this.writable = new WritableStream({
      write(chunk) {
        port.socket.write(escapeIac(chunk));
      },
    });
    await this.setBaudRate(options.baudRate);
    await this.comPort(SET_DATASIZE, [DATASIZE_8], "8 data bits");
    await this.comPort(SET_PARITY, [PARITY_NONE], "no parity");
    await this.comPort(SET_STOPSIZE, [STOPSIZE_1], "1 stop bit");
    await this.comPort(SET_CONTROL, [CONTROL_FLOW_NONE], "no flow control");
  }

  async setBaudRate(baudRate) {
    const value = new Uint8Array(4);
    new DataView(value.buffer).setUint32(0, baudRate, false); // network byte order
    await this.comPort(SET_BAUDRATE, value, `${baudRate} baud`);
  }

  /**
   * Web Serial sets the lines together; RFC 2217 one SET-CONTROL at a time. DTR goes first, as pyserial and
   * esptool set them, so the classic reset passes through DTR=RTS=1 (nothing pulled) rather than DTR=RTS=0.
   */
  async setSignals(signals) {
    if (signals.dataTerminalReady !== undefined) {
      const on = signals.dataTerminalReady;
      await this.comPort(SET_CONTROL, [on ? CONTROL_DTR_ON : CONTROL_DTR_OFF], `DTR ${on ? "on" : "off"}`);
      this.lines.dtr = on;
    }

    if (signals.requestToSend !== undefined) {
      const on = signals.requestToSend;
      await this.comPort(SET_CONTROL, [on ? CONTROL_RTS_ON : CONTROL_RTS_OFF], `RTS ${on ? "on" : "off"}`);
      this.lines.rts = on;
    }

    if (typeof signals.break === "boolean") {
      await this.comPort(SET_CONTROL, [signals.break ? CONTROL_BREAK_ON : CONTROL_BREAK_OFF], "break");
    }
  }

  async close() {
    try {
      this.controller?.close();
    } catch {
      // already cancelled by the reader
    }

    this.controller = null;
    this.readable = null;
    this.writable = null;
  }

  /** Ends the TCP connection (after esptool-js closed the port). */
  async shutdown() {
    await new Promise((resolve) => this.socket.end(resolve));
  }
}
