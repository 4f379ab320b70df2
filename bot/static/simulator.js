// The simulator: posts to /simulator/send and shows the stored thread of that phone.
(function () {
  const csrf = document.querySelector('meta[name="csrf-token"]').content;
  const thread = document.getElementById("thread");
  const phone = document.getElementById("phone");
  const channel = document.getElementById("channel");
  const text = document.getElementById("text");

  function bubble(message) {
    const div = document.createElement("div");
    div.className = "bubble " + (message.direction === "in" ? "mine" : "bot");
    div.textContent = message.body;
    const meta = document.createElement("small");
    let label = (message.channel === "whatsapp" ? "WhatsApp" : "SMS") + " - " + message.label;
    if (message.segments) {
      label += " - " + message.segments + " SMS" + (message.gsm7 ? "" : " (bukan GSM-7)");
    }
    meta.textContent = label;
    div.appendChild(meta);
    return div;
  }

  async function refresh() {
    const response = await fetch("/simulator/thread?phone=" + encodeURIComponent(phone.value));
    const data = await response.json();
    thread.replaceChildren(...(data.messages || []).map(bubble));
    thread.scrollTop = thread.scrollHeight;
  }

  document.getElementById("composer").addEventListener("submit", async function (event) {
    event.preventDefault();
    const body = new URLSearchParams({
      phone: phone.value, text: text.value, channel: channel.value,
    });
    text.value = "";
    const response = await fetch("/simulator/send", {
      method: "POST", body: body, headers: {"X-CSRFToken": csrf},
    });
    if (!response.ok) {
      const data = await response.json().catch(() => ({}));
      alert(data.error || "Gagal mengirim");
    }
    refresh();
  });
  phone.addEventListener("change", refresh);
  refresh();
  setInterval(refresh, 5000);
})();
