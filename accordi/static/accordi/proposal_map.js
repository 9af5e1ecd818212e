/* The map of the proposals: an enhancement of the list beside it, drawn only when Leaflet loads. */
(function () {
  "use strict";
  var holder = document.getElementById("proposal-map");
  var data = document.getElementById("proposal-markers");
  if (!holder || !data || typeof L === "undefined") {
    return;
  }
  var markers = JSON.parse(data.textContent);
  if (!markers.length) {
    return;
  }
  holder.hidden = false;
  var map = L.map(holder, { scrollWheelZoom: false }).setView([44.698, 10.631], 12);
  L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution:
      '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>',
  }).addTo(map);
  var points = [];
  markers.forEach(function (item) {
    var marker = L.marker([item.lat, item.lng], { title: item.name, alt: item.name });
    var popup = document.createElement("div");
    var link = document.createElement("a");
    link.href = item.url;
    link.textContent = item.name;
    popup.appendChild(link);
    var status = document.createElement("div");
    status.textContent = item.address;
    popup.appendChild(status);
    marker.bindPopup(popup).addTo(map);
    points.push([item.lat, item.lng]);
  });
  if (points.length > 1) {
    map.fitBounds(points, { padding: [30, 30] });
  } else {
    map.setView(points[0], 16);
  }
})();
