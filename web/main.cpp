// Browser entry point: GLFW window on a WebGL2 canvas, Dear ImGui, HiDPI
// sizing, and a main loop that only redraws when something changed.
#include "app.hpp"
#include "io/workspace_json.hpp"
#include "platform.hpp"
#include "query/my_work.hpp"
#include "query/record_query.hpp"
#include "theme.hpp"
#include "touch_input.hpp"
#include "widgets.hpp"

#include <GLFW/glfw3.h>
#include <emscripten.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <imgui_internal.h>

#include <cmath>
#include <cstdio>

using namespace crm::web;

namespace {

struct Host {
    GLFWwindow* window = nullptr;
    App app;
    float pixel_ratio = 0;
    bool touch_sized = false; // the phone layout's bigger frames
    int canvas_width = 0, canvas_height = 0;
    int frames_to_draw = 3; // a few frames after any change let ImGui settle
    int idle_frames = 0;    // frames in a row with nothing to draw
    unsigned frames_drawn =
        0; // for tests: a widget is where it is drawn only once a frame shows it
    bool loading_reported = false;
    TouchInput touch;
    std::string pending_paste;
    int paste_frames_left = 0;
    double save_held_since = 0; // when redraws began to wait for a save (ms), or 0
};

// How long a save may hold the screen's redraws at most: long enough for an
// edit's save (a few ms), short enough that a slow disk never freezes it.
constexpr double kSaveFirstMs = 50;

Host* g_host = nullptr; // the one host the browser's frame callback reaches

// Keeps the canvas backbuffer at CSS size x devicePixelRatio: crisp on HiDPI.
bool sync_canvas_size(Host& host) {
    double css_width = 0, css_height = 0;
    canvas_css_size(css_width, css_height);
    const float ratio = static_cast<float>(device_pixel_ratio());
    const int width = static_cast<int>(std::lround(css_width * ratio));
    const int height = static_cast<int>(std::lround(css_height * ratio));
    bool changed = false;
    if (width != host.canvas_width || height != host.canvas_height) {
        set_canvas_pixel_size(width, height);
        host.canvas_width = width;
        host.canvas_height = height;
        changed = true;
    }
    const bool touch_sized = form_factor_for(static_cast<float>(css_width),
                                             static_cast<float>(css_height)) == FormFactor::Phone;
    if (ratio != host.pixel_ratio) {
        host.pixel_ratio = ratio;
        host.touch_sized = touch_sized;
        load_fonts(ratio);
        apply_theme(ratio, touch_sized);
        ImGui_ImplOpenGL3_DestroyFontsTexture();
        ImGui_ImplOpenGL3_CreateFontsTexture();
        changed = true;
    } else if (touch_sized != host.touch_sized) { // turned, or the window resized
        host.touch_sized = touch_sized;
        apply_theme(ratio, touch_sized);
        changed = true;
    }
    return changed;
}

// A save on its way to IndexedDB goes before the next redraw. Drawn, a frame
// competes with IndexedDB for the CPU (the browser composites it), and an
// edit's 2 ms save waited 70 ms behind software-rendered frames: the longer
// an edit is only in memory, the more a closed tab or a flat battery loses.
bool hold_for_save(Host& host) {
    if (save_state() != SaveState::Saving) {
        host.save_held_since = 0;
        return false;
    }
    const double now = emscripten_get_now();
    if (host.save_held_since == 0) host.save_held_since = now;
    return now - host.save_held_since < kSaveFirstMs;
}

void draw_loading_screen(const std::string& message) {
    const ImGuiViewport* viewport = ImGui::GetMainViewport();
    ImGui::SetNextWindowPos(viewport->Pos);
    ImGui::SetNextWindowSize(viewport->Size);
    ImGui::Begin("##loading", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoSavedSettings);
    const ImVec2 size = ImGui::CalcTextSize(message.c_str());
    ImGui::SetCursorPos(
        ImVec2((viewport->Size.x - size.x) * 0.5f, (viewport->Size.y - size.y) * 0.5f));
    ImGui::TextUnformatted(message.c_str());
    ImGui::End();
}

void frame() {
    Host& host = *g_host;
    const bool resized = sync_canvas_size(host);
    if (resized) {
        host.frames_to_draw = 3;
        host.app.screen_resized(); // turned, or a keyboard came up: keep the field in view
    }
    if (take_wake()) host.frames_to_draw = 3;
    if (host.app.tick()) host.frames_to_draw = 3;

    const LoadState loading = load_state();
    if (!host.app.is_open() && (loading == LoadState::Ready || loading == LoadState::ReadOnly) &&
        !host.loading_reported) {
        host.loading_reported = true;
        host.app.open_workspace(loading == LoadState::ReadOnly);
        host.frames_to_draw = 3;
    }
    // Typing needs a blinking cursor, and ImGui spreads quick input (a click's
    // down and up) over several frames; otherwise an idle app draws nothing.
    if (ImGui::GetIO().WantTextInput || !GImGui->InputEventsQueue.empty())
        host.frames_to_draw = std::max(host.frames_to_draw, 1);
    if (host.frames_to_draw <= 0) {
        // Nothing to draw for a while: stop the browser calling us every
        // frame until input or a timer wakes the loop (platform.js bump()).
        if (++host.idle_frames > 2) {
            host.idle_frames = 0;
            EM_ASM({ Module.crmLoopPaused = true; });
            emscripten_pause_main_loop();
        }
        return;
    }
    // A resized canvas is blank until drawn: it is not held.
    if (!resized && hold_for_save(host)) return; // drawn once the save is done
    host.idle_frames = 0;
    --host.frames_to_draw;

    ImGui_ImplOpenGL3_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGuiIO& io = ImGui::GetIO();
    // Everything is in canvas pixels: the mouse arrives in them too.
    io.DisplaySize =
        ImVec2(static_cast<float>(host.canvas_width), static_cast<float>(host.canvas_height));
    io.DisplayFramebufferScale = ImVec2(1, 1);
    // Text right after a click may arrive before the field has focus: hold it
    // for a few frames rather than dropping it.
    if (std::string pasted = take_typed_text(); !pasted.empty()) {
        host.pending_paste += pasted;
        host.paste_frames_left = 10;
    }
    if (!host.pending_paste.empty()) {
        if (io.WantTextInput) {
            io.AddInputCharactersUTF8(host.pending_paste.c_str());
            host.pending_paste.clear();
        } else if (--host.paste_frames_left <= 0) {
            host.pending_paste.clear();
        }
        host.frames_to_draw = std::max(host.frames_to_draw, 1);
    }
    ImGui::NewFrame();
    if (host.app.is_open()) {
        if (host.app.frame()) host.frames_to_draw = std::max(host.frames_to_draw, 3);
    } else if (host.app.open_failed())
        host.app.recovery_frame();
    else if (loading == LoadState::Failed || !host.app.ui().error_dialog.empty())
        draw_loading_screen(loading == LoadState::Failed ? load_message()
                                                         : host.app.ui().error_dialog);
    else
        draw_loading_screen("Opening your workspace…");
    set_text_input_active(io.WantTextInput);
    ImGui::Render();
    glViewport(0, 0, host.canvas_width, host.canvas_height);
    glClearColor(1, 1, 1, 1);
    glClear(GL_COLOR_BUFFER_BIT);
    ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
    ++host.frames_drawn;
}

} // namespace

extern "C" {

// Touch from web/platform.js, in CSS pixels: a tap clicks, a drag scrolls.
// phase: 0 start, 1 move, 2 end, 3 cancel.
EMSCRIPTEN_KEEPALIVE void crm_touch(int phase, float css_x, float css_y) {
    if (!g_host) return;
    // The pointer is in the canvas now, as if a mouse had entered it. Without
    // this the GLFW backend puts it back where GLFW's cursor last was every
    // frame (touches never move that cursor), and a drag scrolled whatever
    // lay there instead of the list under the finger.
    if (phase == 0) ImGui_ImplGlfw_CursorEnterCallback(g_host->window, GLFW_TRUE);
    g_host->touch.handle(phase, css_x * g_host->pixel_ratio, css_y * g_host->pixel_ratio);
    g_host->frames_to_draw = std::max(g_host->frames_to_draw, 3);
}

// platform.js: something happened while the frame loop was paused.
EMSCRIPTEN_KEEPALIVE void crm_resume_frames() {
    emscripten_resume_main_loop();
}

// Test hooks (see web/platform.js): read-only views of the app's state.
EMSCRIPTEN_KEEPALIVE const char* crm_test_state() {
    static std::string text;
    text = g_host ? g_host->app.test_state_json() : "{\"open\":false}";
    return text.c_str();
}

EMSCRIPTEN_KEEPALIVE void crm_test_compact() {
    if (g_host && g_host->app.is_open()) g_host->app.compact_now();
    if (g_host) g_host->frames_to_draw = std::max(g_host->frames_to_draw, 3);
}

// A team sync now, as "Sync now" asks for one.
EMSCRIPTEN_KEEPALIVE void crm_test_sync_now() {
    if (g_host && g_host->app.is_open()) g_host->app.sync_now_for_tests();
    if (g_host) g_host->frames_to_draw = std::max(g_host->frames_to_draw, 3);
}

EMSCRIPTEN_KEEPALIVE unsigned crm_test_frames() {
    return g_host ? g_host->frames_drawn : 0;
}

EMSCRIPTEN_KEEPALIVE int crm_test_reports_ready() {
    return g_host && g_host->app.is_open() && g_host->app.reports_ready();
}

EMSCRIPTEN_KEEPALIVE const char* crm_test_rects() {
    static std::string text;
    nlohmann::json rects = nlohmann::json::object();
    if (g_host)
        for (const auto& [name, rect] : g_host->app.ui().widget_rects)
            rects[name] = {{"x", rect.x / g_host->pixel_ratio},
                           {"y", rect.y / g_host->pixel_ratio},
                           {"w", rect.w / g_host->pixel_ratio},
                           {"h", rect.h / g_host->pixel_ratio}};
    text = rects.dump();
    return text.c_str();
}

// A record as kept (values in UTC), for tests to check what was stored.
EMSCRIPTEN_KEEPALIVE const char* crm_test_record(const char* id) {
    static std::string text;
    text = "null";
    if (g_host && g_host->app.is_open())
        if (const crm::Record* record = g_host->app.workspace().find(id))
            text = crm::record_to_json(*record).dump();
    return text.c_str();
}

EMSCRIPTEN_KEEPALIVE const char* crm_test_find_by_title(const char* title) {
    static std::string id;
    id.clear();
    if (g_host && g_host->app.is_open())
        for (const crm::Record* record : g_host->app.workspace().all_records())
            if (g_host->app.workspace().title_of(*record) == title) id = record->id;
    return id.c_str();
}

// Benchmarks (bench/browser/scale.mjs): the engine's own time for what a
// screen asks, without drawing it. My work for `user` as of `at_seconds`
// (0: now), first 50 rows: the time and each row's due time (seconds; null
// without one), so the benchmark can check its peers show the same.
EMSCRIPTEN_KEEPALIVE const char* crm_test_time_my_work(const char* user, double at_seconds) {
    static std::string text;
    nlohmann::json result = nullptr;
    if (g_host && g_host->app.is_open()) {
        const double start = emscripten_get_now();
        const crm::Instant at{static_cast<std::int64_t>(at_seconds)};
        // A first screenful of rows, in order and named.
        const auto items =
            first_actions(g_host->app.workspace(), user, at_seconds > 0 ? at : now(), 50);
        const double ms = emscripten_get_now() - start;
        nlohmann::json due = nlohmann::json::array();
        for (const auto& item : items)
            due.push_back(item.due ? nlohmann::json(item.due->seconds) : nlohmann::json());
        result = {{"ms", ms}, {"due", due}};
    }
    text = result.dump();
    return text.c_str();
}

// Deals at `stage` of the sales pipeline that `viewer` may see, largest
// amount first, first 50: the time and how many rows.
EMSCRIPTEN_KEEPALIVE const char* crm_test_time_list(const char* viewer, const char* stage) {
    static std::string text;
    nlohmann::json result = nullptr;
    if (g_host && g_host->app.is_open()) {
        crm::RecordQuery query{"deal", viewer, "", "amount", false, {}};
        query.filter.stage = {"sales_pipeline", {stage}};
        const double start = emscripten_get_now();
        auto ids = crm::query_records(g_host->app.workspace(), query);
        ids.resize(std::min<std::size_t>(ids.size(), 50));
        result = {{"ms", emscripten_get_now() - start}, {"rows", ids.size()}};
    }
    text = result.dump();
    return text.c_str();
}

// Sets a number field of a record as its owner (journaled and saved as any
// edit is); 1 when accepted.
EMSCRIPTEN_KEEPALIVE int crm_test_set_number(const char* id, const char* field, double value) {
    if (!g_host || !g_host->app.is_open()) return 0;
    const auto whole = static_cast<long long>(value);
    const nlohmann::json number =
        static_cast<double>(whole) == value ? nlohmann::json(whole) : nlohmann::json(value);
    const bool done = g_host->app.test_update_field(id, field, number);
    g_host->frames_to_draw = std::max(g_host->frames_to_draw, 3);
    return done ? 1 : 0;
}

} // extern "C"

int main() {
    if (!glfwInit()) {
        std::puts("GLFW could not start");
        startup_failed();
        return 1;
    }
    glfwWindowHint(GLFW_CLIENT_API, GLFW_OPENGL_ES_API);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
    glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
    static Host host;
    g_host = &host;
    host.window = glfwCreateWindow(1280, 800, "Fieldwork CRM", nullptr, nullptr);
    if (!host.window) {
        std::puts("WebGL2 is not available in this browser");
        startup_failed();
        return 1;
    }
    glfwMakeContextCurrent(host.window);

    IMGUI_CHECKVERSION();
    ImGui::CreateContext();
    ImGui::GetIO().IniFilename = nullptr; // layout is fixed; nothing to remember
    // Tab moves focus with a visible ring; arrows and Enter work in lists and menus.
    ImGui::GetIO().ConfigFlags |= ImGuiConfigFlags_NavEnableKeyboard;
    ImGui_ImplGlfw_InitForOpenGL(host.window, true);
    ImGui_ImplOpenGL3_Init("#version 300 es");
    ImGuiIO& io = ImGui::GetIO();
    io.SetClipboardTextFn = [](void*, const char* text) { copy_to_clipboard(text); };
    // Pasting arrives as typed text from the browser's paste event (see frame()).
    // (Ctrl+V itself still reaches ImGui, which then asks for this empty text.)
    io.GetClipboardTextFn = [](void*) -> const char* { return ""; };

    begin_loading();
    emscripten_set_main_loop(frame, 0, false);
    return 0;
}
