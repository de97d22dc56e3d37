// Browser side of the platform layer (loaded with --pre-js). Everything that
// touches IndexedDB, files, downloads and browser events lives here; the C++
// side reaches it through web/platform_web.cpp.
"use strict";

Module.crmPlatform = (function () {
  const DATA_DIR = "/data";
  const SAVE_DEBOUNCE_MS = 400;
  const SYNC_WATCHDOG_MS = 15000;

  // Loading: 0 loading, 1 ready, 2 read-only (another tab writes), 3 failed.
  let loadState = 0;
  let loadMessage = "Opening your workspace…";
  // Saving: 0 nothing to save, 1 changes waiting, 2 saving, 3 saved, 4 failed.
  let saveState = 0;
  let saveMessage = "";
  let syncInFlight = false;
  let dirtyAgain = false;
  let debounceTimer = null;
  let wake = 1;
  let importPath = "";
  let storageNote = "";
  let savedAt = 0; // performance.now() when a save last reached IndexedDB (benchmarks)

  // Anything that may change the screen wakes the app's frame loop, which
  // pauses itself while nothing happens (an idle page does no work).
  function resumeLoop() {
    if (Module.crmLoopPaused && Module._crm_resume_frames) {
      Module.crmLoopPaused = false;
      Module._crm_resume_frames();
    }
  }
  function bump() {
    wake++;
    resumeLoop();
  }
  // Timers (a minute's SLA check, a read-only tab's look at new saves) still
  // run while paused: the loop looks once a second, drawing only if needed.
  setInterval(resumeLoop, 1000);

  // Tabs of the same workspace: the writer says when it saved, read-only tabs
  // read the files again so they show the latest work.
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel("crm-workspace") : null;
  let storedVersion = 0;
  let rereadInFlight = false;
  let rereadAgain = false;
  function reread() {
    if (rereadInFlight) { rereadAgain = true; return; }
    rereadInFlight = true;
    FS.syncfs(true, function (err) {
      rereadInFlight = false;
      if (!err) storedVersion++;
      if (rereadAgain) { rereadAgain = false; reread(); }
      bump();
    });
  }

  let retryDelay = 0;
  let retryTimer = null;

  // Files the store changed since the last save began (web/saved_storage.cpp).
  // A save stores just these, each as it is now or its removal: IDBFS's own
  // sync lists every file on both sides (which grows with the history kept),
  // trusts timestamps, and never calls back when the quota aborts it. After
  // a save that failed, the next one stores every file and removes every
  // other key, which brings IndexedDB level with the files whatever the
  // failed one left.
  let changedFiles = new Set();
  let storeEverything = false;
  let fullSaves = 0; // for tests: how many saves stored every file

  function localFiles() {
    return FS.readdir(DATA_DIR)
      .filter(function (name) { return name !== "." && name !== ".."; })
      .map(function (name) { return DATA_DIR + "/" + name; });
  }

  // One transaction: each of `paths` put as it is now, or its key deleted
  // when the file is gone; with `removeOthers`, every other key deleted too.
  // Everything is read and queued within this task, so it is one state of
  // the store, and it commits whole or not at all: a failed request aborts
  // the transaction (its error is not prevented). Strict durability: done
  // only once on disk, as a power cut demands (Chrome's default may leave it
  // with the operating system a while).
  function storeFiles(db, paths, removeOthers, callback) {
    let failed = false;
    let transaction = null;
    let requestError = null;
    function fail(err) {
      if (failed) return;
      failed = true;
      callback(err || new Error("IndexedDB did not store the changes"));
    }
    try {
      transaction = db.transaction([IDBFS.DB_STORE_NAME], "readwrite", { durability: "strict" });
      const files = transaction.objectStore(IDBFS.DB_STORE_NAME);
      transaction.oncomplete = function () { if (!failed) callback(null); };
      transaction.onerror = function (event) { requestError = requestError || event.target.error; };
      transaction.onabort = function () { fail(transaction.error || requestError); };
      paths.forEach(function (path) {
        if (!FS.analyzePath(path).exists) {
          files.delete(path);
          return;
        }
        IDBFS.loadLocalEntry(path, function (err, entry) {
          if (err) throw err;
          // Just the file's bytes: a view would store its whole buffer.
          if (entry.contents) entry.contents = entry.contents.slice();
          files.put(entry, path);
        });
      });
      if (!removeOthers) {
        if (transaction.commit) transaction.commit(); // rather than when this task ends
        return;
      }
      const kept = new Set(paths);
      files.getAllKeys().onsuccess = function (event) {
        event.target.result.forEach(function (key) { if (!kept.has(key)) files.delete(key); });
        if (transaction.commit) transaction.commit();
      };
    } catch (e) {
      // Nothing of a save that went wrong halfway may be stored.
      try { if (transaction) transaction.abort(); } catch (ignored) { /* already finished */ }
      fail(e);
    }
  }

  function saveChanged(callback) {
    IDBFS.getDB(DATA_DIR, function (err, db) {
      if (err) {
        storeEverything = true;
        callback(err);
        return;
      }
      // What to store is taken now, in the task that reads the files.
      const everything = storeEverything;
      const paths = everything ? localFiles() : Array.from(changedFiles).sort();
      changedFiles = new Set();
      storeEverything = false;
      if (everything) fullSaves++;
      storeFiles(db, paths, everything, function (err) {
        if (err) storeEverything = true;
        callback(err);
      });
    });
  }

  // One save in flight at a time; a change during a save triggers one more.
  function runSync() {
    if (loadState !== 1) return; // never write before a successful load
    if (syncInFlight) { dirtyAgain = true; return; }
    syncInFlight = true;
    saveState = 2;
    // A save that neither completes nor aborts (a browser out of storage may
    // hang): say so, but keep the in-flight guard until it calls back (two
    // saves must never overlap).
    const watchdog = setTimeout(function () {
      if (!syncInFlight) return;
      saveState = 4;
      saveMessage = "Saving is taking too long; the browser may be out of storage space";
      checkQuota();
      bump();
    }, SYNC_WATCHDOG_MS);
    saveChanged(function (err) {
      clearTimeout(watchdog);
      syncInFlight = false;
      if (err) {
        saveState = 4;
        saveMessage = "The browser refused to store the changes (" + (err.message || err) + ")";
        scheduleRetry();
      } else if (!dirtyAgain) {
        savedAt = performance.now();
        saveState = 3;
        saveMessage = "";
        retryDelay = 0;
      }
      if (!err && channel) channel.postMessage("saved");
      if (dirtyAgain) {
        dirtyAgain = false;
        runSync();
      }
      bump();
    });
    bump();
  }

  // A failed save is tried again, less and less often, until it works.
  function scheduleRetry() {
    retryDelay = Math.min(retryDelay ? retryDelay * 2 : 2000, 30000);
    if (retryTimer) clearTimeout(retryTimer);
    retryTimer = setTimeout(function () { retryTimer = null; runSync(); }, retryDelay);
  }

  function checkQuota() {
    if (!navigator.storage || !navigator.storage.estimate) return;
    navigator.storage.estimate().then(function (estimate) {
      if (estimate.quota && estimate.usage / estimate.quota > 0.95)
        storageNote = "Browser storage is almost full (" + Math.round(estimate.usage / 1048576) + " of " +
          Math.round(estimate.quota / 1048576) + " MiB)";
      bump();
    });
  }

  function requestSave() {
    if (loadState !== 1) return;
    if (saveState !== 2) saveState = 1;
    if (debounceTimer) clearTimeout(debounceTimer);
    debounceTimer = setTimeout(function () { debounceTimer = null; runSync(); }, SAVE_DEBOUNCE_MS);
    bump();
  }

  // Also while a save is in flight: runSync() then marks one more to follow,
  // so an edit made during it is not left waiting when the tab is hidden.
  function flushNow() {
    const waiting = debounceTimer !== null;
    if (debounceTimer) {
      clearTimeout(debounceTimer);
      debounceTimer = null;
    }
    if (waiting || saveState === 1 || saveState === 4) runSync();
  }

  // Opening begins as this script runs, long before the module is ready
  // (beginLoading()): the writer's lock, then every stored file in one
  // request, so that IndexedDB reads while the module compiles and draws its
  // first frame. IDBFS's own sync asks file by file, and each answer waits
  // for the main thread, which those first frames keep busy.
  let stored = null;        // { readOnly, keys, files } or { readOnly, error }, once read
  let whenStored = null;    // beginLoading(), when it came first
  let releaseWriter = null; // lets the writer's lock go, held until then
  let savedMeanwhile = false; // a read-only tab heard the writer save while it opened
  function storedRead(result) {
    stored = result;
    if (whenStored) whenStored();
  }
  function readStoredFiles(readOnly) {
    IDBFS.getDB(DATA_DIR, function (err, db) {
      if (err) return storedRead({ readOnly: readOnly, error: err });
      try {
        const transaction = db.transaction([IDBFS.DB_STORE_NAME], "readonly");
        const files = transaction.objectStore(IDBFS.DB_STORE_NAME);
        const keys = files.getAllKeys();
        const values = files.getAll();
        transaction.oncomplete = function () {
          storedRead({ readOnly: readOnly, keys: keys.result, files: values.result });
        };
        transaction.onabort = function () {
          storedRead({ readOnly: readOnly, error: transaction.error || new Error("aborted") });
        };
      } catch (e) {
        storedRead({ readOnly: readOnly, error: e });
      }
    });
  }
  // One writer: a second tab would overwrite and delete the first tab's files.
  if (navigator.locks && navigator.locks.request) {
    navigator.locks.request("crm-workspace-writer", { ifAvailable: true }, function (lock) {
      if (!lock && channel) channel.onmessage = function () { savedMeanwhile = true; };
      readStoredFiles(!lock);
      if (!lock) return undefined;
      return new Promise(function (resolve) { releaseWriter = resolve; }); // until the tab closes
    });
  } else {
    setTimeout(function () { readStoredFiles(false); }, 0); // once IDBFS is defined below
  }

  // The files read early, into the file system; the keys come sorted, so a
  // directory comes before what it holds. After an early read that failed,
  // IDBFS's own sync tries again and says what is wrong.
  function populate(callback) {
    if (stored.error) return FS.syncfs(true, callback);
    let failed = null;
    for (let i = 0; i < stored.keys.length && !failed; i++)
      IDBFS.storeLocalEntry(stored.keys[i], stored.files[i], function (err) { failed = err; });
    stored.files = null; // the file system owns them now
    callback(failed);
  }

  function mountAndLoad() {
    const readOnly = stored.readOnly;
    FS.mkdir(DATA_DIR);
    FS.mount(IDBFS, {}, DATA_DIR);
    populate(function (err) {
      if (err) {
        loadState = 3;
        loadMessage = "Your saved workspace could not be read (" + (err.message || err) +
          "). Nothing was changed; reload to try again.";
      } else {
        loadState = readOnly ? 2 : 1;
        loadMessage = readOnly ? "This workspace is open in another tab; this tab is read-only." : "";
        if (readOnly && channel) channel.onmessage = reread;
        if (readOnly && savedMeanwhile) reread();
      }
      bump();
    });
  }

  // The app cannot run here (no WebGL2, or it stopped): another tab may
  // write instead.
  function startupFailed() {
    if (releaseWriter) releaseWriter();
    releaseWriter = null;
  }
  const abortedBefore = Module.onAbort;
  Module.onAbort = function (what) {
    startupFailed();
    if (abortedBefore) abortedBefore(what);
  };

  function beginLoading() {
    if (navigator.storage && navigator.storage.persist) navigator.storage.persist().catch(function () {});
    checkQuota();
    if (stored) mountAndLoad();
    else whenStored = mountAndLoad;
  }

  for (const type of ["pointerdown", "pointerup", "pointermove", "wheel", "keydown", "keyup", "keypress", "resize", "focus", "blur"])
    window.addEventListener(type, bump, { passive: true, capture: true });
  document.addEventListener("visibilitychange", function () {
    if (document.visibilityState === "hidden") flushNow();
    bump();
  });
  window.addEventListener("pagehide", flushNow);
  // Closing the tab while the record form holds unsaved edits asks first
  // (the browser shows its own question; the page cannot word it).
  let unsavedEdits = false;
  window.addEventListener("beforeunload", function (event) {
    if (!unsavedEdits) return undefined;
    event.preventDefault();
    event.returnValue = "";
    return "";
  });

  // Text arrives through a hidden <input> that has focus while ImGui edits
  // text: it gets IME compositions, AltGr characters, pasted text and phone
  // soft keyboards, none of which GLFW's keypress path in Emscripten 3.1.6
  // handles. Key presses (arrows, backspace, shortcuts) still reach GLFW.
  let typed = "";
  const textInput = document.createElement("input");
  textInput.id = "text-input";
  textInput.setAttribute("autocomplete", "off");
  textInput.setAttribute("autocapitalize", "off");
  textInput.setAttribute("spellcheck", "false");
  textInput.setAttribute("aria-hidden", "true");
  textInput.style.cssText = "position:fixed;left:0;bottom:0;width:1px;height:1px;opacity:0;" +
    "font-size:16px;border:0;padding:0;pointer-events:none";
  document.body.appendChild(textInput);
  function takeTextFromInput() {
    if (textInput.value) {
      typed += textInput.value;
      textInput.value = "";
      bump();
    }
  }
  textInput.addEventListener("input", function (event) { if (!event.isComposing) takeTextFromInput(); });
  textInput.addEventListener("compositionend", takeTextFromInput);
  // Registered before GLFW's own listener, so the character is not taken twice.
  window.addEventListener("keypress", function (event) {
    if (event.target === textInput) event.stopImmediatePropagation();
  }, true);
  document.addEventListener("paste", function (event) {
    const text = event.clipboardData && event.clipboardData.getData("text/plain");
    if (!text) return;
    typed += text;
    event.preventDefault();
    bump();
  });
  function setTextInputActive(active) {
    if (active && document.activeElement !== textInput) {
      textInput.focus({ preventScroll: true });
    } else if (!active && document.activeElement === textInput) {
      textInput.blur();
      Module.canvas.focus({ preventScroll: true });
    }
  }
  // GLFW's clipboard is a stub in Emscripten 3.1.6: copy goes to the browser's.
  function copyText(text) {
    if (navigator.clipboard && navigator.clipboard.writeText)
      navigator.clipboard.writeText(text).catch(function () {});
  }

  // Touch: GLFW in Emscripten 3.1.6 does not move its cursor on touch, so taps
  // land at stale places. Touches go to the app instead: a tap clicks, a drag
  // scrolls. Registered before GLFW's listeners, which never see them.
  function forwardTouch(phase) {
    return function (event) {
      const touch = event.changedTouches[0];
      if (!touch || !Module._crm_touch) return;
      const rect = Module.canvas.getBoundingClientRect();
      Module._crm_touch(phase, touch.clientX - rect.left, touch.clientY - rect.top);
      event.preventDefault();
      event.stopImmediatePropagation();
      bump();
    };
  }
  Module.canvas.addEventListener("touchstart", forwardTouch(0), { capture: true, passive: false });
  Module.canvas.addEventListener("touchmove", forwardTouch(1), { capture: true, passive: false });
  Module.canvas.addEventListener("touchend", forwardTouch(2), { capture: true, passive: false });
  Module.canvas.addEventListener("touchcancel", forwardTouch(3), { capture: true, passive: false });

  // On phones the on-screen keyboard and the browser's own bars cover part of
  // the page (100vh does not shrink for them): the canvas follows the part
  // that is visible, so Save and the field being typed in stay in view.
  function fitCanvasToVisibleArea() {
    const visible = window.visualViewport;
    if (!visible) return;
    Module.canvas.style.top = visible.offsetTop + "px";
    Module.canvas.style.height = visible.height + "px";
    Module.canvas.style.width = visible.width + "px";
    bump();
  }
  if (window.visualViewport) {
    window.visualViewport.addEventListener("resize", fitCanvasToVisibleArea);
    window.visualViewport.addEventListener("scroll", fitCanvasToVisibleArea);
    fitCanvasToVisibleArea();
  }

  function pickImportFile() {
    const input = document.createElement("input");
    input.type = "file";
    // A workspace export (.json) or a spreadsheet (.csv, .tsv, .txt); the
    // file keeps its name, which the CSV import shows and records.
    input.accept = ".json,application/json,.csv,text/csv,.tsv,.txt,text/plain";
    input.onchange = function () {
      const file = input.files && input.files[0];
      if (!file) return;
      file.arrayBuffer().then(function (buffer) {
        const dir = "/tmp/import-" + Date.now();
        FS.mkdir(dir);
        const path = dir + "/" + file.name;
        FS.writeFile(path, new Uint8Array(buffer));
        importPath = path;
        bump();
      });
    };
    input.click();
  }

  // Team sync's requests (web/team_sync.hpp): one at a time, its answer
  // polled for by the frame loop, so no frame ever waits for the network. A
  // request with no answer in 30 s is given up; like a failed connection it
  // answers status 0 with the reason in words.
  const HTTP_TIMEOUT_MS = 30000;
  let exchange = null; // { controller, done, status, body, error }
  function basicAuthorization(user, password) {
    const bytes = new TextEncoder().encode(user + ":" + password);
    let text = "";
    bytes.forEach(function (b) { text += String.fromCharCode(b); });
    return "Basic " + btoa(text);
  }
  function startHttp(method, url, body, user, password) {
    cancelHttp();
    const controller = new AbortController();
    const current = { controller: controller, done: false, status: 0, body: "", error: "" };
    exchange = current;
    const headers = { Accept: "application/json" };
    if (body) headers["Content-Type"] = "application/json";
    if (user || password) headers.Authorization = basicAuthorization(user, password);
    let timedOut = false;
    const timer = setTimeout(function () { timedOut = true; controller.abort(); }, HTTP_TIMEOUT_MS);
    fetch(url, { method: method, headers: headers, body: body || undefined, signal: controller.signal,
      cache: "no-store", credentials: "omit" })
      .then(function (response) {
        return response.text().then(function (text) {
          current.status = response.status;
          current.body = text;
        });
      })
      .catch(function (error) {
        current.status = 0;
        current.body = "";
        current.error = timedOut ? "no answer within 30 s"
          : !navigator.onLine ? "no network"
          : "the connection failed (" + ((error && error.message) || error) + ")";
      })
      .then(function () {
        clearTimeout(timer);
        current.done = true;
        if (exchange === current) bump();
      });
  }
  // Drops the request in flight: its answer, if one comes, is not taken.
  function cancelHttp() {
    if (exchange && !exchange.done) exchange.controller.abort();
    exchange = null;
  }
  // The status once answered (0: no answer), -1 while waiting or idle.
  function httpState() { return exchange && exchange.done ? exchange.status : -1; }
  function httpAnswer(part) { return exchange && exchange.done ? exchange[part] : ""; }
  window.addEventListener("online", bump);
  window.addEventListener("offline", bump);

  // Settings of this browser profile, outside the workspace files (the team
  // account): never in an export, never synced.
  function setting(key) {
    try { return localStorage.getItem(key) || ""; } catch (e) { return ""; }
  }
  function setSetting(key, value) {
    try {
      if (value) localStorage.setItem(key, value);
      else localStorage.removeItem(key);
    } catch (e) { /* private mode: kept for this visit only by the app */ }
  }

  function download(filename, text) {
    const type = filename.endsWith(".csv") ? "text/csv" : "application/json";
    const blob = new Blob([text], { type: type });
    const url = URL.createObjectURL(blob);
    const link = document.createElement("a");
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () { URL.revokeObjectURL(url); }, 10000);
  }

  return {
    beginLoading: beginLoading,
    startupFailed: startupFailed,
    loadState: function () { return loadState; },
    storedVersion: function () { return storedVersion; },
    loadMessage: function () { return loadMessage; },
    requestSave: requestSave,
    noteFileChanged: function (path) { changedFiles.add(path); },
    saveState: function () { return saveState; },
    saveMessage: function () { return saveMessage || storageNote; },
    pickImportFile: pickImportFile,
    takeImportPath: function () { const p = importPath; importPath = ""; return p; },
    download: download,
    startHttp: startHttp,
    cancelHttp: cancelHttp,
    httpState: httpState,
    httpBody: function () { return httpAnswer("body"); },
    httpError: function () { return httpAnswer("error"); },
    endHttp: function () { exchange = null; },
    online: function () { return navigator.onLine !== false; },
    setting: setting,
    setSetting: setSetting,
    copyText: copyText,
    takeTypedText: function () { const t = typed; typed = ""; return t; },
    setTextInputActive: setTextInputActive,
    setUnsavedEdits: function (on) { unsavedEdits = Boolean(on); },
    timeZone: function () {
      try { return Intl.DateTimeFormat().resolvedOptions().timeZone || ""; } catch (e) { return ""; }
    },
    unsavedEdits: function () { return unsavedEdits; },
    takeWake: function () { const w = wake; wake = 0; return w; },
    // For tests: true when everything accepted has reached IndexedDB.
    syncIdle: function () {
      return loadState !== 0 && !syncInFlight && !debounceTimer && !dirtyAgain && !retryTimer;
    },
    // For benchmarks: save now rather than after the pause that gathers
    // edits, and when the last save reached IndexedDB.
    flushNow: flushNow,
    savedAt: function () { return savedAt; },
    fullSaves: function () { return fullSaves; },
  };
})();

// Calls fn with each text as a C string; returns what fn returns.
function withTexts(texts, fn) {
  const ptrs = texts.map(function (text) {
    const bytes = Module.lengthBytesUTF8(text) + 1;
    const ptr = Module._malloc(bytes);
    Module.stringToUTF8(text, ptr, bytes);
    return ptr;
  });
  try {
    return fn.apply(null, ptrs);
  } finally {
    ptrs.forEach(function (ptr) { Module._free(ptr); });
  }
}

// Calls an exported C function with one string argument; returns its string result.
function callWithText(fn, text) {
  return Module.UTF8ToString(withTexts([text], fn));
}

// Test hooks: the same command path as the UI, plus named widget rectangles
// so end-to-end tests click by name rather than by pixel.
window.crmTest = {
  state: function () {
    if (!Module.calledRun) return { open: false };
    return JSON.parse(Module.UTF8ToString(Module._crm_test_state()));
  },
  rects: function () {
    if (!Module.calledRun) return {};
    return JSON.parse(Module.UTF8ToString(Module._crm_test_rects()));
  },
  // Frames drawn so far, and whether the frame loop rests (nothing left to draw).
  frames: function () { return Module.calledRun ? Module._crm_test_frames() : 0; },
  resting: function () { return Boolean(Module.crmLoopPaused); },
  // The reports screen shows every panel, for what is current (cheaper than state()).
  reportsReady: function () { return Boolean(Module.calledRun && Module._crm_test_reports_ready()); },
  syncIdle: function () { return Module.crmPlatform.syncIdle(); },
  // True while closing the tab would ask about unsaved edits.
  asksBeforeClosing: function () { return Module.crmPlatform.unsavedEdits(); },
  compact: function () { Module._crm_test_compact(); },
  // A team sync now (as "Sync now"); state().team says when it is done.
  syncNow: function () {
    Module._crm_test_sync_now();
    if (Module.crmLoopPaused) { Module.crmLoopPaused = false; Module._crm_resume_frames(); }
  },
  record: function (id) { return JSON.parse(callWithText(Module._crm_test_record, id)); },
  findByTitle: function (title) { return callWithText(Module._crm_test_find_by_title, title); },
  // Benchmarks (bench/browser/scale.mjs): the engine's time for My work and a
  // filtered list without drawing them, an edit through the engine, a save
  // started at once, when it reached IndexedDB, and the wasm heap's size.
  timeMyWork: function (user, atSeconds) {
    return JSON.parse(Module.UTF8ToString(withTexts([user], function (u) {
      return Module._crm_test_time_my_work(u, atSeconds || 0);
    })));
  },
  timeList: function (viewer, stage) {
    return JSON.parse(Module.UTF8ToString(withTexts([viewer, stage], Module._crm_test_time_list)));
  },
  setNumber: function (id, field, value) {
    return withTexts([id, field], function (i, f) { return Module._crm_test_set_number(i, f, value); }) === 1;
  },
  saveNow: function () { Module.crmPlatform.flushNow(); },
  savedAt: function () { return Module.crmPlatform.savedAt(); },
  heapBytes: function () { return Module.HEAP8 ? Module.HEAP8.length : 0; },
};
