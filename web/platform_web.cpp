#include "platform.hpp"

#include <emscripten.h>
#include <emscripten/html5.h>

#include <cmath>
#include <cstdlib>

namespace crm::web {

namespace {

// Returns a malloc'd UTF-8 copy of a JS string; take_string() frees it.
EM_JS(char*, js_new_string, (const char* which), {
    var text = String(Module.crmPlatform[UTF8ToString(which)]());
    var size = lengthBytesUTF8(text) + 1;
    var pointer = _malloc(size);
    stringToUTF8(text, pointer, size);
    return pointer;
});
EM_JS(void, js_begin_loading, (), { Module.crmPlatform.beginLoading(); });
EM_JS(void, js_startup_failed, (), { Module.crmPlatform.startupFailed(); });
EM_JS(int, js_load_state, (), { return Module.crmPlatform.loadState(); });
EM_JS(int, js_stored_version, (), { return Module.crmPlatform.storedVersion(); });
EM_JS(void, js_request_save, (), { Module.crmPlatform.requestSave(); });
EM_JS(void, js_note_file_changed, (const char* path),
      { Module.crmPlatform.noteFileChanged(UTF8ToString(path)); });
EM_JS(int, js_save_state, (), { return Module.crmPlatform.saveState(); });
EM_JS(void, js_pick_import_file, (), { Module.crmPlatform.pickImportFile(); });
EM_JS(void, js_download, (const char* name, const char* text),
      { Module.crmPlatform.download(UTF8ToString(name), UTF8ToString(text)); });
EM_JS(void, js_copy_text, (const char* text), { Module.crmPlatform.copyText(UTF8ToString(text)); });
EM_JS(void, js_set_text_input_active, (bool active),
      { Module.crmPlatform.setTextInputActive(active); });
EM_JS(int, js_take_wake, (), { return Module.crmPlatform.takeWake(); });
EM_JS(void, js_start_http,
      (const char* method, const char* url, const char* body, const char* user,
       const char* password),
      {
          Module.crmPlatform.startHttp(UTF8ToString(method), UTF8ToString(url), UTF8ToString(body),
                                       UTF8ToString(user), UTF8ToString(password));
      });
EM_JS(int, js_http_state, (), { return Module.crmPlatform.httpState(); });
EM_JS(void, js_end_http, (), { Module.crmPlatform.endHttp(); });
EM_JS(void, js_cancel_http, (), { Module.crmPlatform.cancelHttp(); });
EM_JS(int, js_online, (), { return Module.crmPlatform.online() ? 1 : 0; });
EM_JS(char*, js_setting, (const char* key), {
    var text = String(Module.crmPlatform.setting(UTF8ToString(key)));
    var size = lengthBytesUTF8(text) + 1;
    var pointer = _malloc(size);
    stringToUTF8(text, pointer, size);
    return pointer;
});
EM_JS(void, js_set_setting, (const char* key, const char* value),
      { Module.crmPlatform.setSetting(UTF8ToString(key), UTF8ToString(value)); });
EM_JS(void, js_set_unsaved_edits, (bool on), { Module.crmPlatform.setUnsavedEdits(on); });

std::string take_string(char* text) {
    std::string result = text ? text : "";
    std::free(text);
    return result;
}

} // namespace

const char* data_directory() {
    return "/data";
}
void begin_loading() {
    js_begin_loading();
}
void startup_failed() {
    js_startup_failed();
}
LoadState load_state() {
    return static_cast<LoadState>(js_load_state());
}
std::string load_message() {
    return take_string(js_new_string("loadMessage"));
}
int stored_version() {
    return js_stored_version();
}
void request_save() {
    js_request_save();
}
void note_file_changed(const std::string& path) {
    js_note_file_changed(path.c_str());
}
SaveState save_state() {
    return static_cast<SaveState>(js_save_state());
}
std::string save_message() {
    return take_string(js_new_string("saveMessage"));
}
void pick_import_file() {
    js_pick_import_file();
}
std::string take_import_path() {
    return take_string(js_new_string("takeImportPath"));
}
void download_text(const std::string& filename, const std::string& text) {
    js_download(filename.c_str(), text.c_str());
}
void copy_to_clipboard(const std::string& text) {
    js_copy_text(text.c_str());
}
std::string take_typed_text() {
    return take_string(js_new_string("takeTypedText"));
}
void set_text_input_active(bool active) {
    js_set_text_input_active(active);
}
void start_http(const HttpRequest& request, const std::string& url, const std::string& user,
                const std::string& password) {
    js_start_http(request.method.c_str(), url.c_str(), request.body.c_str(), user.c_str(),
                  password.c_str());
}
std::optional<HttpResponse> take_http_response() {
    const int state = js_http_state();
    if (state < 0) return std::nullopt;
    HttpResponse response;
    response.status = state;
    response.body = take_string(js_new_string("httpBody"));
    response.error = take_string(js_new_string("httpError"));
    js_end_http();
    return response;
}
void cancel_http() {
    js_cancel_http();
}
bool network_online() {
    return js_online() != 0;
}
std::string stored_setting(const std::string& key) {
    return take_string(js_setting(key.c_str()));
}
void store_setting(const std::string& key, const std::string& value) {
    js_set_setting(key.c_str(), value.c_str());
}
void set_unsaved_edits(bool on) {
    static int last = -1; // crossing into JavaScript only when it changes
    if (last == static_cast<int>(on)) return;
    last = on;
    js_set_unsaved_edits(on);
}
bool take_wake() {
    return js_take_wake() != 0;
}
Instant now() {
    return Instant{static_cast<std::int64_t>(std::floor(emscripten_date_now() / 1000.0))};
}
std::string device_time_zone() {
    return take_string(js_new_string("timeZone"));
}
double device_pixel_ratio() {
    return emscripten_get_device_pixel_ratio();
}
void canvas_css_size(double& width, double& height) {
    emscripten_get_element_css_size("#canvas", &width, &height);
}
void set_canvas_pixel_size(int width, int height) {
    emscripten_set_canvas_element_size("#canvas", width, height);
}

} // namespace crm::web
