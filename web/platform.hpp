// What the app needs from its host: storage loading and saving, files,
// downloads, time and screen facts. Implemented for the browser in
// platform_web.cpp + platform.js; views never touch the browser directly.
#pragma once

#include "sync/http.hpp"
#include "util/time.hpp"

#include <optional>
#include <string>

namespace crm::web {

enum class LoadState { Loading, Ready, ReadOnly, Failed };
enum class SaveState { Clean, Pending, Saving, Saved, Failed };

// Where the workspace files live (an IndexedDB-backed mount in the browser).
const char* data_directory();

void begin_loading();
// The app cannot run in this browser: another tab may write the workspace.
void startup_failed();
LoadState load_state();
std::string load_message();
// Goes up each time a read-only tab has read again what the writing tab saved.
int stored_version();

void request_save(); // debounced; one sync in flight at a time
// A file of the data directory (its full path) was written, renamed or
// removed: the next save stores it as it is then, or its removal.
void note_file_changed(const std::string& path);
SaveState save_state();
std::string save_message();

void pick_import_file();
std::string take_import_path(); // "" until the user picked a file
void download_text(const std::string& filename, const std::string& text);

void copy_to_clipboard(const std::string& text);
// Text typed, composed (IME) or pasted since the last call.
std::string take_typed_text();
// Focuses the browser's text input while the app edits text (soft keyboards, IME).
void set_text_input_active(bool active);

// Team sync over fetch: one request at a time (a new one drops the one in
// flight). `url` is the whole URL; Basic authorization when `user` or
// `password` is set. The answer is polled for: nothing until it arrived; a
// network failure or 30 s without an answer is status 0 with the reason.
void start_http(const HttpRequest& request, const std::string& url, const std::string& user,
                const std::string& password);
std::optional<HttpResponse> take_http_response();
void cancel_http();
// False when the browser knows it has no network.
bool network_online();
// A setting of this browser profile, outside the workspace files ("" = none);
// storing "" removes it.
std::string stored_setting(const std::string& key);
void store_setting(const std::string& key, const std::string& value);

// While true, closing the tab asks first (edits in the form not yet saved).
void set_unsaved_edits(bool on);
bool take_wake(); // input or a host event since the last call
Instant now();    // the wall clock, read only here
// The device's IANA time zone ("Europe/Berlin"), or "" when the browser does not say.
std::string device_time_zone();
double device_pixel_ratio();
void canvas_css_size(double& width, double& height);
void set_canvas_pixel_size(int width, int height);

} // namespace crm::web
