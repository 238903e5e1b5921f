// A real `lifeboat serve` for the browser tests: a temporary data dir, a local volume
// "home", a config that registers it; started on a free loopback port, stopped with
// SIGTERM (SIGKILL after 20 s). Only the platform's events are played, over the HTTP API
// like the platform would send them (README "HTTP API").
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';

export class Daemon {
  constructor(bin, workflow) {
    this.bin = bin;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lifeboat-browser-'));
    this.volume = path.join(this.dir, 'volume');
    this.data = path.join(this.dir, 'data');
    this.log = path.join(this.dir, 'daemon.log');
    fs.mkdirSync(this.volume);
    fs.mkdirSync(this.data);
    this.config = path.join(this.dir, 'lifeboat.toml');
    fs.writeFileSync(this.config, `[[volumes]]\nid = "home"\npath = "${this.volume}"\n`);
    this.workflowFile = path.join(this.dir, 'recovery.asl.json');
    fs.writeFileSync(this.workflowFile, JSON.stringify(workflow));
    this.minute = 0;
  }

  async start() {
    const portFile = path.join(this.dir, 'port');
    const out = fs.openSync(this.log, 'a');
    this.process = spawn(this.bin, ['--data-dir', this.data, 'serve', '--config', this.config,
      '--listen', '127.0.0.1:0', '--port-file', portFile, '--workflow', this.workflowFile],
    { stdio: ['ignore', out, out] });
    this.exited = new Promise((resolve) => this.process.on('exit', (code, signal) => resolve(code ?? 128)));
    for (let i = 0; i < 300; i += 1) {
      if (this.process.exitCode !== null) throw new Error(`the daemon exited during start-up:\n${this.logText()}`);
      if (fs.existsSync(portFile) && fs.readFileSync(portFile, 'utf8').trim()) {
        this.port = Number(fs.readFileSync(portFile, 'utf8').trim());
        this.url = `http://127.0.0.1:${this.port}`;
        try {
          const res = await fetch(`${this.url}/healthz`);
          if (res.ok) break;
        } catch {
          // not listening yet
        }
      }
      await delay(100);
    }
    if (!this.url) throw new Error(`the daemon did not listen within 30 s:\n${this.logText()}`);
    this.token = execFileSync(this.bin, ['--data-dir', this.data, 'token']).toString().trim();
  }

  logText() {
    try {
      return fs.readFileSync(this.log, 'utf8').split('\n').slice(-40).join('\n');
    } catch {
      return '';
    }
  }

  async stop() {
    if (!this.process || this.process.exitCode !== null) return;
    this.process.kill('SIGTERM');
    const timer = setTimeout(() => this.process.kill('SIGKILL'), 20000);
    await this.exited;
    clearTimeout(timer);
  }

  cleanup() {
    fs.rmSync(this.dir, { recursive: true, force: true });
  }

  async api(method, urlPath, body) {
    const res = await fetch(`${this.url}${urlPath}`, {
      method,
      headers: { Authorization: `Bearer ${this.token}`, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${urlPath} answered ${res.status}: ${text}`);
    return JSON.parse(text);
  }

  //! Posts platform events (CloudEvents envelopes) and fails on any refused one.
  async events(list) {
    const envelopes = list.map(([type, data]) => {
      this.minute += 1;
      return {
        specversion: '1.0', id: `b-${this.minute}`, source: 'platform.local', type, data,
        time: new Date(Date.UTC(2026, 10, 29, 10, this.minute)).toISOString().replace('.000', ''),
      };
    });
    const answer = await this.api('POST', '/v1/events', envelopes);
    const refused = JSON.stringify(answer).includes('"refused"');
    if (refused) throw new Error(`an event was refused: ${JSON.stringify(answer)}`);
    return answer;
  }

  //! A home directory on the volume, owned by `uid`, with `files` ({name: text}).
  makeHome(dirName, uid, files = {}) {
    const dir = path.join(this.volume, dirName);
    fs.mkdirSync(dir, { recursive: true });
    for (const [name, text] of Object.entries(files)) {
      fs.writeFileSync(path.join(dir, name), text);
      fs.chownSync(path.join(dir, name), uid, 1001);
    }
    fs.chownSync(dir, uid, 1001);
    return dir;
  }
}

//! The data of a user profile (or space) event.
export function profile(domain, name, home, { space = false } = {}) {
  return {
    domainId: `d-${Buffer.from(domain).toString('hex').slice(0, 16)}`, domainName: domain, [space ? 'spaceName' : 'userProfileName']: name,
    homeEfsFileSystemId: 'home', homeEfsFileSystemUid: String(home), ownerUid: Number(home), ownerGid: 1001,
  };
}
