// life: Conway's Game of Life in a window. Click a cell to flip it, Space pauses, R seeds
// a new random board, C clears it. The board wraps around at the edges.
#include "orbclient/window.h"
#include "redox/io.h"
#include "redox/program.h"
#include "redox/sys.h"

#include "keys.h"

namespace {

using orbclient::Color;
using orbclient::Event;

constexpr i32 CELL = 8;
constexpr i32 COLUMNS = 80;
constexpr i32 ROWS = 60;
constexpr u64 GENERATION_MS = 100;
constexpr u32 DEAD = Color::rgb(0x10, 0x14, 0x1c).data;
constexpr u32 ALIVE = Color::rgb(0x6c, 0xd4, 0x8c).data;

class Life {
public:
    int run();

private:
    bool& cell(ktl::Vector<bool>& board, i32 x, i32 y)
    {
        return board[static_cast<usize>((y + ROWS) % ROWS * COLUMNS + (x + COLUMNS) % COLUMNS)];
    }
    void seed();
    void step();
    void draw();

    orbclient::Window m_window;
    ktl::Vector<bool> m_board;
    ktl::Vector<bool> m_next;
    u64 m_random { 0x9E3779B97F4A7C15ull };
    bool m_paused { false };
};

void Life::seed()
{
    redox::TimeSpec now {};
    sys::clock_gettime(redox::CLOCK_MONOTONIC, now);
    m_random ^= static_cast<u64>(now.tv_nsec) * 0x2545F4914F6CDD1Dull;
    for (usize i = 0; i < m_board.size(); ++i) {
        // xorshift64
        m_random ^= m_random << 13;
        m_random ^= m_random >> 7;
        m_random ^= m_random << 17;
        m_board[i] = (m_random & 7) < 2;
    }
}

void Life::step()
{
    for (i32 y = 0; y < ROWS; ++y) {
        for (i32 x = 0; x < COLUMNS; ++x) {
            int neighbours = 0;
            for (i32 dy = -1; dy <= 1; ++dy) {
                for (i32 dx = -1; dx <= 1; ++dx)
                    neighbours += (dx || dy) && cell(m_board, x + dx, y + dy);
            }
            bool alive = cell(m_board, x, y);
            cell(m_next, x, y) = neighbours == 3 || (alive && neighbours == 2);
        }
    }
    ktl::Vector<bool> swap = static_cast<ktl::Vector<bool>&&>(m_board);
    m_board = static_cast<ktl::Vector<bool>&&>(m_next);
    m_next = static_cast<ktl::Vector<bool>&&>(swap);
}

void Life::draw()
{
    orbital::Canvas& canvas = m_window.canvas();
    for (i32 y = 0; y < ROWS; ++y) {
        for (i32 x = 0; x < COLUMNS; ++x) {
            canvas.fill_rect({ x * CELL, y * CELL, CELL, CELL }, DEAD);
            if (cell(m_board, x, y))
                canvas.circle(x * CELL + CELL / 2 - 1, y * CELL + CELL / 2 - 1, CELL / 2 - 1, ALIVE, true);
        }
    }
    if (m_paused)
        canvas.text(8, 8, "paused: Space resumes, R random, C clear", Color::rgb(255, 255, 255).data);
    m_window.sync();
}

int Life::run()
{
    if (long r = m_window.open(120, 90, COLUMNS * CELL, ROWS * CELL, "Life"); r < 0) {
        io::report_error("life", "/scheme/orbital", r);
        return 1;
    }
    m_board.resize(COLUMNS * ROWS);
    m_next.resize(COLUMNS * ROWS);
    seed();
    i32 mouse_x = 0;
    i32 mouse_y = 0;
    Event events[32];
    for (;;) {
        long n = m_window.poll_events(events, 32);
        if (n < 0)
            return 1;
        for (long i = 0; i < n; ++i) {
            const Event& e = events[i];
            if (e.code == orbital::ORB_EVENT_QUIT)
                return 0;
            if (e.code == orbital::ORB_EVENT_MOUSE) {
                mouse_x = static_cast<i32>(e.a);
                mouse_y = static_cast<i32>(e.b);
            } else if (e.code == orbital::ORB_EVENT_BUTTON && (e.a & orbital::BUTTON_LEFT)) {
                bool& c = cell(m_board, mouse_x / CELL, mouse_y / CELL);
                c = !c;
            } else if (e.code == orbital::ORB_EVENT_KEY && orbital::key_pressed(e)) {
                u8 key = orbital::key_scancode(e);
                if (key == keys::SPACE)
                    m_paused = !m_paused;
                else if (keys::letter(key) == 'r')
                    seed();
                else if (keys::letter(key) == 'c')
                    for (usize j = 0; j < m_board.size(); ++j)
                        m_board[j] = false;
            }
        }
        if (!m_paused)
            step();
        draw();
        // Paused: sleep until input. Running: the next generation is due.
        m_window.wait(m_paused ? 0 : GENERATION_MS);
    }
}

} // namespace

static int life_main(int, char**, char**)
{
    auto* life = new Life();
    int status = life->run();
    delete life;
    return status;
}

REDOX_PROGRAM("life", life_main)
