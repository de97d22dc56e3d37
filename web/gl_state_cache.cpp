// Answers for Dear ImGui's OpenGL backend when it asks for GL state.
//
// WebGL answers a glGetIntegerv with a round trip to the GPU process that
// waits until it has done everything asked of it before, the drawing of the
// last frame included. The backend asks for fifteen pieces of state around
// every frame it draws, to put each back after, and those waits were most of
// a frame's CPU time while scrolling a list. Nothing else here changes that
// state but glViewport in main.cpp, which sets it again before each frame's
// glClear, so the first answer for each piece stays true: it is kept.
// (web/CMakeLists.txt points the backend's glGetIntegerv here.)
#include <GLES3/gl3.h>

#include <array>
#include <map>

namespace {

// How many values `name` has: glGetIntegerv writes that many.
std::size_t values_of(GLenum name) {
    return name == GL_VIEWPORT || name == GL_SCISSOR_BOX ? 4 : 1;
}

} // namespace

extern "C" void crm_kept_gl_get_integerv(GLenum name, GLint* values) {
    static std::map<GLenum, std::array<GLint, 4>> kept;
    auto it = kept.find(name);
    if (it == kept.end()) {
        std::array<GLint, 4> answer{};
        glGetIntegerv(name, answer.data());
        it = kept.emplace(name, answer).first;
    }
    for (std::size_t i = 0; i < values_of(name); ++i)
        values[i] = it->second[i];
}
